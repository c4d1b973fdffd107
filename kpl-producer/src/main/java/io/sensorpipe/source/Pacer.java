package io.sensorpipe.source;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Releases readings at the pace of their event time, {@code speed} times faster than real time
 * (1 = real pace, 600 = ten minutes of data a second, 0 or less = as fast as possible).
 * The first reading anchors event time to the wall clock.
 */
public final class Pacer {
    /** Longest single sleep, so {@code stop} is checked at least this often. */
    static final long MAX_SLEEP_NANOS = 100_000_000L;

    /** Sleeps for a number of nanoseconds; injectable so tests need not measure the wall clock. */
    @FunctionalInterface
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final double speed;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private long anchorEventMillis = Long.MIN_VALUE;
    private long anchorNanos;

    public Pacer(double speed) {
        this(speed, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    Pacer(double speed, LongSupplier nanoClock, Sleeper sleeper) {
        this.speed = speed;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    /**
     * Ties event time {@code eventMillis} to now: later readings are due at their pace from here, earlier ones at
     * once. With history before the live part, anchoring at the live start writes the history as fast as the writer
     * takes it and then goes on at the pace, with no gap and no catch-up burst beyond the time history took.
     */
    public void anchor(long eventMillis) {
        anchorEventMillis = eventMillis;
        anchorNanos = nanoClock.getAsLong();
    }

    /**
     * Waits until the reading with event time {@code ts} is due. Returns early (false) when {@code stop} turns
     * true, checked at least every 100 ms so a shutdown or a duration limit is not held up by a long gap.
     */
    public boolean awaitDue(long ts, BooleanSupplier stop) throws InterruptedException {
        if (speed <= 0) {
            return true;
        }
        if (anchorEventMillis == Long.MIN_VALUE) {
            anchorEventMillis = ts;
            anchorNanos = nanoClock.getAsLong();
            return true;
        }
        long dueNanos = anchorNanos + (long) ((ts - anchorEventMillis) * 1_000_000.0 / speed);
        while (true) {
            long left = dueNanos - nanoClock.getAsLong();
            if (left <= 0) {
                return true;
            }
            if (stop.getAsBoolean()) {
                return false;
            }
            sleeper.sleepNanos(Math.min(left, MAX_SLEEP_NANOS));
        }
    }
}
