package io.sensorpipe.producer;

import io.sensorpipe.schema.Reading;
import io.sensorpipe.source.Pacer;
import io.sensorpipe.source.ReadingSource;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The producer's run loop, apart from any command line: moves readings from a {@link ReadingSource} to a
 * {@link ReadingWriter} at the source's event-time pace until the source ends, a limit is reached or
 * {@link #requestStop()} is called; then closes the writer (final flush) and returns its report. Source and writer
 * are arguments, so the loop runs with the simulator, a CSV replay or a test's source, and with the KPL, the plain
 * PutRecords writer or any other {@code ReadingWriter}.
 */
public final class ProducerRun {
    /**
     * When to stop and how fast to go.
     *
     * @param count    stop after this many readings, or null
     * @param duration stop after this wall time, or null
     * @param speed    pace relative to event time: 1 real time, 0 as fast as possible
     * @param liveFromMillis event time where the live part starts, or null: readings before it (history) are written
     *                 as fast as the writer takes them, the pace starts there, and {@code duration} then means
     *                 event time after it ({@code duration x speed}), so history does not shorten the live part
     * @param historySpeed pace of the history relative to event time (0 = as fast as the writer takes it), for a
     *                 consumer that must read the history as it comes rather than as one backlog
     */
    public record Limits(Long count, Duration duration, double speed, Long liveFromMillis, double historySpeed) {
        public Limits(Long count, Duration duration, double speed) {
            this(count, duration, speed, null, 0);
        }

        public Limits {
            if (count != null && count < 0) {
                throw new IllegalArgumentException("count must be >= 0, got " + count);
            }
            if (duration != null && (duration.isNegative() || duration.isZero())) {
                throw new IllegalArgumentException("duration must be positive, got " + duration);
            }
            if (speed < 0 || Double.isNaN(speed)) {
                throw new IllegalArgumentException("speed must be >= 0, got " + speed);
            }
            if (historySpeed < 0 || Double.isNaN(historySpeed)) {
                throw new IllegalArgumentException("historySpeed must be >= 0, got " + historySpeed);
            }
        }

        /** No count or time limit, as fast as possible. */
        public static Limits unbounded() {
            return new Limits(null, null, 0);
        }
    }

    private final ReadingSource source;
    private final ReadingWriter writer;
    private final Limits limits;
    private final PrintStream progressOut;
    private final int progressIntervalSeconds;
    private volatile boolean stopRequested;

    /**
     * @param progressOut             where progress lines go
     * @param progressIntervalSeconds seconds between progress lines, 0 = none
     */
    public ProducerRun(ReadingSource source, ReadingWriter writer, Limits limits, PrintStream progressOut,
                       int progressIntervalSeconds) {
        this.source = source;
        this.writer = writer;
        this.limits = limits;
        this.progressOut = progressOut;
        this.progressIntervalSeconds = progressIntervalSeconds;
    }

    /** Ends the loop at the next reading (or pacing wait); {@link #run()} still flushes and reports. */
    public void requestStop() {
        stopRequested = true;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /** Runs the loop, then closes the writer; the report counts every reading handed to it. */
    public ProducerReport run() throws Exception {
        Long liveFrom = limits.liveFromMillis();
        // With history and a pace, the live part ends in event time; otherwise after the wall time.
        long liveEnd = liveFrom == null || limits.duration() == null || limits.speed() <= 0 ? Long.MAX_VALUE
                : liveFrom + (long) (limits.duration().toMillis() * limits.speed());
        long deadline = limits.duration() == null || liveEnd != Long.MAX_VALUE ? Long.MAX_VALUE
                : System.nanoTime() + limits.duration().toNanos();
        Pacer pacer = new Pacer(limits.speed());
        Pacer historyPacer = new Pacer(limits.historySpeed());
        if (liveFrom != null) {
            pacer.anchor(liveFrom);
        }
        try (ProgressReporter progress = new ProgressReporter(writer, progressOut, progressIntervalSeconds)) {
            long n = 0;
            while (!stopRequested && (limits.count() == null || n < limits.count()) && System.nanoTime() < deadline) {
                Reading r = source.next();
                Pacer due = liveFrom != null && r != null && r.ts() < liveFrom ? historyPacer : pacer;
                if (r == null || r.ts() >= liveEnd
                        || !due.awaitDue(r.ts(), () -> stopRequested || System.nanoTime() >= deadline)) {
                    break;
                }
                writer.write(r);
                n++;
            }
            return writer.close();
        }
    }
}
