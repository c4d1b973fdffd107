package io.sensorpipe.source;

import java.util.function.BooleanSupplier;

/**
 * Releases readings at the pace of their event time, {@code speed} times faster than real time
 * (1 = real pace, 600 = ten minutes of data a second, 0 or less = as fast as possible).
 * The first reading anchors event time to the wall clock.
 */
public final class Pacer {
    private final double speed;
    private long anchorEventMillis = Long.MIN_VALUE;
    private long anchorNanos;

    public Pacer(double speed) {
        this.speed = speed;
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
            anchorNanos = System.nanoTime();
            return true;
        }
        long dueNanos = anchorNanos + (long) ((ts - anchorEventMillis) * 1_000_000.0 / speed);
        while (true) {
            long left = dueNanos - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            if (stop.getAsBoolean()) {
                return false;
            }
            long sleepNanos = Math.min(left, 100_000_000L);
            Thread.sleep(sleepNanos / 1_000_000, (int) (sleepNanos % 1_000_000));
        }
    }
}
