package io.sensorpipe.window;

import java.io.Serializable;
import java.time.Duration;

/** Fixed-size, non-overlapping event-time windows aligned to the epoch: window = [start, start + size). */
public final class TumblingWindows implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final Duration DEFAULT_SIZE = Duration.ofSeconds(60);

    private final long sizeMillis;

    public TumblingWindows(Duration size) {
        if (size == null || size.toMillis() <= 0) {
            throw new IllegalArgumentException("window size must be at least 1 ms, got " + size);
        }
        this.sizeMillis = size.toMillis();
    }

    public static TumblingWindows defaults() {
        return new TumblingWindows(DEFAULT_SIZE);
    }

    /** Start of the window holding {@code ts} (floor, so negative timestamps work too). */
    public long startOf(long ts) {
        return Math.floorDiv(ts, sizeMillis) * sizeMillis;
    }

    /** Exclusive end of the window that starts at {@code windowStart}. */
    public long endOf(long windowStart) {
        return windowStart + sizeMillis;
    }

    public long sizeMillis() {
        return sizeMillis;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TumblingWindows t && t.sizeMillis == sizeMillis;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sizeMillis);
    }

    @Override
    public String toString() {
        return "TumblingWindows{" + Duration.ofMillis(sizeMillis) + "}";
    }
}
