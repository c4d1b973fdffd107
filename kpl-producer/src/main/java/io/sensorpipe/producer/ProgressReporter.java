package io.sensorpipe.producer;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Prints one progress line every few seconds on long runs: records/s, outstanding, retries, failures. */
public final class ProgressReporter implements AutoCloseable {
    private final ReadingWriter writer;
    private final PrintStream out;
    private final ScheduledExecutorService timer;
    private long lastProduced;
    private long lastAcknowledged;
    private long lastNanos = System.nanoTime();

    public ProgressReporter(ReadingWriter writer, PrintStream out, long intervalSeconds) {
        this.writer = writer;
        this.out = out;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "producer-progress");
            t.setDaemon(true);
            return t;
        });
        if (intervalSeconds > 0) {
            timer.scheduleAtFixedRate(this::print, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
        }
    }

    void print() {
        WriterStats s = writer.stats();
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
        out.println(line(s, (s.produced() - lastProduced) / seconds, (s.acknowledged() - lastAcknowledged) / seconds));
        lastProduced = s.produced();
        lastAcknowledged = s.acknowledged();
        lastNanos = now;
    }

    static String line(WriterStats s, double producedPerSecond, double acknowledgedPerSecond) {
        return String.format(Locale.ROOT,
                "progress: produced=%d (%.0f/s) acknowledged=%d (%.0f/s) outstanding=%d retries=%d failed=%d blocked=%.1fs",
                s.produced(), producedPerSecond, s.acknowledged(), acknowledgedPerSecond, s.outstanding(), s.retries(),
                s.failed(), s.blockedMillis() / 1000.0);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
