package io.sensorpipe.window;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One sensor's open windows; Serializable so Spark keeps it in its state store.
 *
 * <p>A reading whose window already closed (window end ≤ watermark, or ≤ a watermark this state was closed up to
 * before) is not added but counted in {@link #lateCount()}, so late data is reported instead of silently dropped.
 *
 * <p>Idempotent per reading identity (sensorId, ts): delivery is at-least-once (a producer retry of a record Kinesis
 * did store puts it in the stream twice), so each open window remembers the event times it accepted and a repeat is
 * reported as {@link Acceptance#DUPLICATE} (counted in {@link #duplicateCount()}) instead of being counted twice.
 * The accepted event times of a window are a bitmap of their offsets in the window, so the dedup memory of one open
 * window is bounded by window size in ms / 8 bytes (7.5 KB for 60 s windows) however many readings arrive; it is
 * dropped when the window closes. {@link WindowStateCodec} stores it as delta varints while that is smaller.
 * Not thread-safe.
 */
public final class SensorWindowState implements Serializable {
    private static final long serialVersionUID = 2L;

    private final String sensorId;
    private TumblingWindows windows;
    final TreeMap<Long, WindowAggregate> open = new TreeMap<>();
    long closedUpTo = Long.MIN_VALUE;
    long lateCount;
    /** Window start → offsets (ts − start) of the event times accepted into that open window. */
    final HashMap<Long, BitSet> acceptedTs = new HashMap<>();
    long duplicateCount;

    /** What {@link #offer} did with a reading. */
    public enum Acceptance { ACCEPTED, LATE, DUPLICATE }

    public SensorWindowState(String sensorId, TumblingWindows windows) {
        this.sensorId = Objects.requireNonNull(sensorId, "sensorId");
        this.windows = Objects.requireNonNull(windows, "windows");
        requireBitmapSize(windows);
    }

    /**
     * Adds a reading to its window unless its window already closed (window end ≤ watermark: {@code LATE}) or the
     * window already holds a reading with this event time ({@code DUPLICATE}).
     */
    public Acceptance offer(long ts, double value, long watermarkMillis) {
        long start = windows.startOf(ts);
        long end = windows.endOf(start);
        if (end <= Math.max(watermarkMillis, closedUpTo)) {
            lateCount++;
            return Acceptance.LATE;
        }
        BitSet seen = acceptedTs.computeIfAbsent(start, s -> new BitSet());
        int offset = (int) (ts - start);
        if (seen.get(offset)) {
            duplicateCount++;
            return Acceptance.DUPLICATE;
        }
        seen.set(offset);
        open.computeIfAbsent(start, s -> WindowAggregate.empty()).add(ts, value);
        return Acceptance.ACCEPTED;
    }

    /**
     * Boolean form of {@link #offer} for callers that only tell late from not late.
     *
     * @return false (and the reading is counted as late) when its window already closed; true when it was added or
     *         was a duplicate of a reading already in its window (see {@link #duplicateCount()})
     */
    public boolean accept(long ts, double value, long watermarkMillis) {
        return offer(ts, value, watermarkMillis) != Acceptance.LATE;
    }

    /**
     * The window size changed to {@code size}'s (the job's {@code --window} on an existing checkpoint): the windows
     * open now keep their size and close as they began, a reading after them goes to a window of the new size (after
     * one window from the last of them to the new size's first boundary: {@link TumblingWindows#changedFrom}), a
     * reading for a window closed before stays late. Nothing is lost to the change.
     */
    public void changeSize(TumblingWindows size) {
        requireBitmapSize(size);
        long at = !open.isEmpty() ? windows.endOf(open.lastKey())
                : closedUpTo == Long.MIN_VALUE ? Long.MIN_VALUE : windows.boundaryAtOrAfter(closedUpTo);
        windows = at == Long.MIN_VALUE ? size : size.changedFrom(windows, at);
    }

    /** Offsets in a window are bitmap indexes (ints). */
    private static void requireBitmapSize(TumblingWindows windows) {
        if (windows.sizeMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("window size must be below 24 days, got " + windows);
        }
    }

    /** Removes and returns the windows with end ≤ watermark, in ascending start order. */
    public List<ClosedWindow> closeUpTo(long watermarkMillis) {
        closedUpTo = Math.max(closedUpTo, watermarkMillis);
        List<ClosedWindow> closed = new ArrayList<>();
        Iterator<Map.Entry<Long, WindowAggregate>> it = open.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, WindowAggregate> e = it.next();
            long end = windows.endOf(e.getKey());
            if (end > watermarkMillis) {
                break;
            }
            closed.add(new ClosedWindow(sensorId, e.getKey(), end, e.getValue()));
            it.remove();
            acceptedTs.remove(e.getKey());
        }
        windows = windows.settledAfter(closedUpTo); // a change of size whose windows all closed is behind it
        return closed;
    }

    /** End of the earliest open window, or {@link Long#MAX_VALUE} when none is open. */
    public long earliestOpenWindowEnd() {
        return open.isEmpty() ? Long.MAX_VALUE : windows.endOf(open.firstKey());
    }

    /** The highest watermark this state was closed up to ({@link Long#MIN_VALUE} before any close). */
    public long closedUpTo() {
        return closedUpTo;
    }

    public long lateCount() {
        return lateCount;
    }

    /** Readings not added because their window already held a reading with the same event time. */
    public long duplicateCount() {
        return duplicateCount;
    }

    public boolean hasOpenWindows() {
        return !open.isEmpty();
    }

    public int openWindowCount() {
        return open.size();
    }

    public String sensorId() {
        return sensorId;
    }

    /** Its windows (with a change of size while windows of the previous size or the change's own are open). */
    public TumblingWindows windows() {
        return windows;
    }
}
