package org.convas.engine.calc;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** Number formatting shared by formulas, tables and messages. */
public final class Numbers {

    private Numbers() {
    }

    /** 34944 → "34,944". */
    public static String grouped(long n) {
        // By hand rather than String.format("%,d"): that builds a Formatter and a DecimalFormat on every call,
        // which was most of the calculator's time (it formats several numbers per node on every edit).
        if (n == Long.MIN_VALUE) return String.format(Locale.ROOT, "%,d", n);
        String digits = Long.toString(Math.abs(n));
        StringBuilder sb = new StringBuilder(digits.length() + digits.length() / 3 + 1);
        if (n < 0) sb.append('-');
        int lead = digits.length() % 3 == 0 ? 3 : digits.length() % 3;
        sb.append(digits, 0, lead);
        for (int i = lead; i < digits.length(); i += 3) sb.append(',').append(digits, i, i + 3);
        return sb.toString();
    }

    /** 2.3333 → "2.33", 55.0 → "55", -1.0 → "−1" (true minus sign, as in the formulas). */
    public static String decimal(double v) {
        String s = BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        return s.startsWith("-") ? "−" + s.substring(1) : s;
    }

    /** A whole number with a true minus sign. */
    public static String signed(long v) {
        return v < 0 ? "−" + (-v) : Long.toString(v);
    }

    /** 138357544 → "138.4M", 34944 → "34.9K". */
    public static String compact(long n) {
        if (n >= 1_000_000_000L) return decimal1(n / 1e9) + "G";
        if (n >= 1_000_000L) return decimal1(n / 1e6) + "M";
        if (n >= 1_000L) return decimal1(n / 1e3) + "K";
        return Long.toString(n);
    }

    /** Bytes in binary units: 97,517,000 → "93.0 MiB". */
    public static String bytes(long b) {
        if (b >= 1L << 30) return String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
        if (b >= 1L << 20) return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
        if (b >= 1L << 10) return String.format(Locale.ROOT, "%.1f KiB", b / (double) (1L << 10));
        return b + " B";
    }

    private static String decimal1(double v) {
        return BigDecimal.valueOf(v).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
