package io.sensorpipe.window;

import java.io.Serializable;
import java.util.ArrayList;
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
 * Not thread-safe.
 */
public final class SensorWindowState implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String sensorId;
    private final TumblingWindows windows;
    private final TreeMap<Long, WindowAggregate> open = new TreeMap<>();
    private long closedUpTo = Long.MIN_VALUE;
    private long lateCount;

    public SensorWindowState(String sensorId, TumblingWindows windows) {
        this.sensorId = Objects.requireNonNull(sensorId, "sensorId");
        this.windows = Objects.requireNonNull(windows, "windows");
    }

    /**
     * Adds a reading to its window.
     *
     * @return false (and the reading is counted as late) when its window already closed: window end ≤ watermark
     */
    public boolean accept(long ts, double value, long watermarkMillis) {
        long start = windows.startOf(ts);
        long end = windows.endOf(start);
        if (end <= Math.max(watermarkMillis, closedUpTo)) {
            lateCount++;
            return false;
        }
        open.computeIfAbsent(start, s -> WindowAggregate.empty()).add(ts, value);
        return true;
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
        }
        return closed;
    }

    /** End of the earliest open window, or {@link Long#MAX_VALUE} when none is open. */
    public long earliestOpenWindowEnd() {
        return open.isEmpty() ? Long.MAX_VALUE : windows.endOf(open.firstKey());
    }

    public long lateCount() {
        return lateCount;
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

    public TumblingWindows windows() {
        return windows;
    }
}
