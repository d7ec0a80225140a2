package org.convas.app.cli;

import org.convas.engine.train.TrainingEvents;
import org.convas.engine.train.TrainingListener;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Training progress for the command line. On a terminal, one bar redrawn in place with {@code \r}:
 * {@code epoch 2/5 [#######.............]  35% 120/340  1,930 img/s  ETA 0:07  loss 0.512}; elsewhere (a log
 * file, a pipe) one such line every {@code every} batches. After each epoch one line on {@code out}: train
 * loss/accuracy, validation loss/accuracy, time and learning rate.
 */
final class ProgressPrinter implements TrainingListener {

    /** Environment variable the launcher sets to the descriptor of the terminal when stderr is one. */
    static final String TERMINAL_FD = "CONVAS_TERMINAL_FD";

    private static final int BAR = 20;

    private final PrintStream out;
    private final PrintStream progress;
    private final boolean terminal;
    private final int every;
    private final int epochs;
    private final int batchSize;
    private long lastDraw;
    private boolean barShown;

    /**
     * @param progress where the bar goes (stderr or the terminal)
     * @param terminal redraw in place; otherwise a line every {@code every} batches
     */
    ProgressPrinter(PrintStream out, PrintStream progress, boolean terminal, int every, int epochs, int batchSize) {
        this.out = out;
        this.progress = progress;
        this.terminal = terminal;
        this.every = Math.max(1, every);
        this.epochs = epochs;
        this.batchSize = batchSize;
    }

    /**
     * Stderr for progress, and whether it is a terminal: the launcher passes the terminal's descriptor in
     * {@link #TERMINAL_FD} (it filters the JVM's own stderr through grep, which would hold back a \r line);
     * started directly, /proc/self/fd/2 tells whether stderr is a tty.
     */
    static ProgressPrinter forStreams(PrintStream out, PrintStream err, int every, int epochs, int batchSize) {
        String fd = System.getenv(TERMINAL_FD);
        if (fd != null && fd.matches("\\d+")) {
            try {
                PrintStream tty = new PrintStream(new FileOutputStream("/dev/fd/" + fd), true, StandardCharsets.UTF_8);
                return new ProgressPrinter(out, tty, true, every, epochs, batchSize);
            } catch (IOException e) {
                // The descriptor is gone: fall back to stderr.
            }
        }
        boolean tty = err == System.err && System.console() != null && stderrIsTerminal();
        return new ProgressPrinter(out, err, tty, every, epochs, batchSize);
    }

    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    @Override
    public void onBatch(TrainingEvents.BatchStats s) {
        boolean last = s.batch() == s.batchesPerEpoch();
        if (terminal) {
            long now = System.nanoTime();
            if (!last && now - lastDraw < 100_000_000L) return; // ten redraws a second are plenty
            lastDraw = now;
            progress.print("\r" + line(s, epochs, batchSize) + "  ");
            progress.flush();
            barShown = true;
        } else if (s.batch() % every == 0 || last) {
            progress.println(line(s, epochs, batchSize));
        }
    }

    /** One progress line; the ETA is the batches left × the batch size ÷ the images per second so far. */
    static String line(TrainingEvents.BatchStats s, int epochs, int batchSize) {
        double fraction = s.batch() / (double) Math.max(1, s.batchesPerEpoch());
        int filled = (int) Math.round(fraction * BAR);
        long imagesLeft = (long) (s.batchesPerEpoch() - s.batch()) * batchSize;
        double eta = s.imagesPerSecond() > 0 ? imagesLeft / s.imagesPerSecond() : Double.NaN;
        return String.format(Locale.ROOT, "epoch %d/%d [%s%s] %3d%% %d/%d  %s img/s  ETA %s  loss %.4f",
                s.epoch(), epochs, "#".repeat(filled), ".".repeat(BAR - filled), Math.round(fraction * 100), s.batch(),
                s.batchesPerEpoch(), grouped(s.imagesPerSecond()), clock(eta), s.loss());
    }

    @Override
    public void onEpoch(TrainingEvents.EpochStats e) {
        clearBar();
        String validation = Double.isNaN(e.validationLoss()) ? "no validation set"
                : String.format(Locale.ROOT, "validation loss %.4f acc %.2f%%", e.validationLoss(), 100 * e.validationAccuracy());
        out.println(String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f acc %.2f%%  %s  %.1f s  lr %s",
                e.epoch(), epochs, e.trainLoss(), 100 * e.trainAccuracy(), validation, e.seconds(), number(e.learningRate())));
        out.flush();
    }

    @Override
    public void onFinished(TrainingEvents.RunEnd end) {
        clearBar();
    }

    private void clearBar() {
        if (terminal && barShown) {
            progress.print("\r" + " ".repeat(100) + "\r");
            progress.flush();
            barShown = false;
        }
    }

    static String number(double v) {
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
    }

    static String grouped(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    /** Seconds as m:ss or h:mm:ss; "?" before the first estimate. */
    static String clock(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) return "?";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
