package io.sensorpipe.window;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Fixed-size, non-overlapping event-time windows aligned to the epoch: window = [start, start + size).
 *
 * <p>One sensor's windows can also carry a change of size ({@link #changedFrom}): the windows of the previous size
 * up to a boundary of theirs ({@code changeAt}), then one window from there to the first boundary of the new size
 * (none when {@code changeAt} is one), then the new size. So a window already open when the job's {@code --window}
 * changed closes as it began, and every reading still has exactly one window; no window of the new size shares a
 * start (a result's key) with an earlier one. Once a sensor's windows are closed past the change, {@link #settledAfter}
 * drops it.
 */
public final class TumblingWindows implements Serializable {
    private static final long serialVersionUID = 2L;
    public static final Duration DEFAULT_SIZE = Duration.ofSeconds(60);

    private final long sizeMillis;
    /** The windows before a change of size, or null (none). */
    private final TumblingWindows before;
    /** A boundary of {@link #before}'s windows: readings from here on belong to this size. */
    private final long changeAt;
    /** The start of the first window of this size: {@link #changeAt} rounded up to it. */
    private final long firstStart;

    public TumblingWindows(Duration size) {
        if (size == null || size.toMillis() <= 0) {
            throw new IllegalArgumentException("window size must be at least 1 ms, got " + size);
        }
        this.sizeMillis = size.toMillis();
        this.before = null;
        this.changeAt = Long.MIN_VALUE;
        this.firstStart = Long.MIN_VALUE;
    }

    private TumblingWindows(long sizeMillis, TumblingWindows before, long changeAt) {
        this.sizeMillis = sizeMillis;
        this.before = before;
        this.changeAt = changeAt;
        this.firstStart = Math.floorDiv(changeAt - 1, sizeMillis) * sizeMillis + sizeMillis;
    }

    public static TumblingWindows defaults() {
        return new TumblingWindows(DEFAULT_SIZE);
    }

    /**
     * These windows' size after {@code previous}' windows up to {@code changeAt}, which must be one of their
     * boundaries (the end of one of their windows), and a window from there to this size's next boundary.
     */
    public TumblingWindows changedFrom(TumblingWindows previous, long changeAt) {
        Objects.requireNonNull(previous, "previous");
        if (previous.boundaryAtOrAfter(changeAt) != changeAt) {
            throw new IllegalArgumentException("a change of window size at " + changeAt + " is not at the end of a "
                    + "window of " + previous);
        }
        while (previous.before != null && changeAt <= previous.changeAt) {
            // a change hidden by this one (no reading from its point on is left to it): the same windows without it,
            // so every change in a chain lies after the one before it and a partial settle keeps it consistent
            previous = previous.before;
        }
        return new TumblingWindows(sizeMillis, previous, changeAt);
    }

    /** The first window boundary at or after {@code ts}: the end of the window holding {@code ts − 1}. */
    public long boundaryAtOrAfter(long ts) {
        return endOf(startOf(ts - 1));
    }

    /** Start of the window holding {@code ts} (floor, so negative timestamps work too). */
    public long startOf(long ts) {
        if (before != null && ts < firstStart) {
            return ts < changeAt ? before.startOf(ts) : changeAt;
        }
        return Math.floorDiv(ts, sizeMillis) * sizeMillis;
    }

    /** Exclusive end of the window that starts at {@code windowStart}. */
    public long endOf(long windowStart) {
        if (before != null && windowStart < firstStart) {
            return windowStart < changeAt ? before.endOf(windowStart) : firstStart;
        }
        return windowStart + sizeMillis;
    }

    /** The window size (after any change of size these windows carry). */
    public long sizeMillis() {
        return sizeMillis;
    }

    /**
     * Whether the window starting at {@code windowStart} belongs to a change of size: one of the previous size, or
     * the one between the change and the first window of this size.
     */
    public boolean fromSizeChange(long windowStart) {
        return before != null && windowStart < firstStart;
    }

    /** Whether these windows carry a change of size. */
    public boolean hasSizeChange() {
        return before != null;
    }

    /** Where the change of size these windows carry takes effect ({@link Long#MIN_VALUE} when they carry none). */
    public long changeAt() {
        return changeAt;
    }

    /** The windows before the change of size these windows carry, or null. */
    public TumblingWindows beforeChange() {
        return before;
    }

    /**
     * These windows without the changes of size that lie wholly at or before {@code closedUpTo} (every window they
     * shaped has closed).
     */
    public TumblingWindows settledAfter(long closedUpTo) {
        if (before == null) {
            return this;
        }
        if (closedUpTo >= firstStart) {
            return new TumblingWindows(Duration.ofMillis(sizeMillis));
        }
        TumblingWindows settled = before.settledAfter(closedUpTo);
        return settled == before ? this : new TumblingWindows(sizeMillis, settled, changeAt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TumblingWindows t && t.sizeMillis == sizeMillis && t.changeAt == changeAt
                && Objects.equals(t.before, before);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sizeMillis, before, changeAt);
    }

    @Override
    public String toString() {
        return "TumblingWindows{" + Duration.ofMillis(sizeMillis)
                + (before == null ? "" : ", from " + changeAt + " after " + before) + "}";
    }
}
