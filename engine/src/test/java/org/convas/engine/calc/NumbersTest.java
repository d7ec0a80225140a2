package org.convas.engine.calc;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NumbersTest {

    @Test
    void groupedPutsCommasEveryThreeDigitsLikeFormat() {
        assertEquals("0", Numbers.grouped(0));
        assertEquals("999", Numbers.grouped(999));
        assertEquals("1,000", Numbers.grouped(1000));
        assertEquals("34,944", Numbers.grouped(34_944));
        assertEquals("138,357,544", Numbers.grouped(138_357_544));
        assertEquals("-1,234,567", Numbers.grouped(-1_234_567));
        // The oracle: Java's own formatter, over a spread of magnitudes and signs.
        for (long n : new long[] {1, 12, 123, 1234, 12345, 123456, 1234567, 9_999_999_999L, -12, -123456, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertEquals(String.format(Locale.ROOT, "%,d", n), Numbers.grouped(n), Long.toString(n));
        }
    }
}
