package io.sensorpipe.window;

import io.sensorpipe.schema.Reading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Multi-sensor driver with one global watermark = max event time seen − allowed lateness (Spark's semantics); used by
 * the backtest and tests. Each {@link #accept} returns the windows (of any sensor) that the advanced watermark closed,
 * ordered by window end, then sensor id. Not thread-safe.
 */
public final class Windower {
    private static final Comparator<ClosedWindow> CLOSE_ORDER = Comparator.comparingLong(ClosedWindow::windowEnd)
            .thenComparing(ClosedWindow::sensorId);

    private final TumblingWindows windows;
    private final long allowedLatenessMillis;
    private final Map<String, SensorWindowState> sensors = new HashMap<>();
    /** Earliest open window end → sensors with an open window ending then, so closing does not scan every sensor. */
    private final TreeMap<Long, TreeSet<String>> sensorsByOpenEnd = new TreeMap<>();
    private long maxEventTime = Long.MIN_VALUE;
    private long lateCount;
    private long duplicateCount;

    public Windower(TumblingWindows windows, Duration allowedLateness) {
        if (allowedLateness == null || allowedLateness.isNegative()) {
            throw new IllegalArgumentException("allowedLateness must be >= 0, got " + allowedLateness);
        }
        this.windows = windows;
        this.allowedLatenessMillis = allowedLateness.toMillis();
    }

    /** Current watermark: windows ending at or before it are closed. */
    public long watermark() {
        return maxEventTime == Long.MIN_VALUE ? Long.MIN_VALUE : maxEventTime - allowedLatenessMillis;
    }

    /** Adds a reading (or counts it late) and returns the windows the advanced watermark closed. */
    public List<ClosedWindow> accept(Reading r) {
        maxEventTime = Math.max(maxEventTime, r.ts());
        long watermark = watermark();
        SensorWindowState state = sensors.computeIfAbsent(r.sensorId(), id -> new SensorWindowState(id, windows));
        long endBefore = state.earliestOpenWindowEnd();
        SensorWindowState.Acceptance result = state.offer(r.ts(), r.value(), watermark);
        if (result == SensorWindowState.Acceptance.DUPLICATE) {
            duplicateCount++; // already in its window: counted once (the caller still maps the row to its window)
        } else if (result == SensorWindowState.Acceptance.ACCEPTED) {
            long endAfter = state.earliestOpenWindowEnd();
            if (endAfter != endBefore) {
                unindex(endBefore, r.sensorId());
                sensorsByOpenEnd.computeIfAbsent(endAfter, e -> new TreeSet<>()).add(r.sensorId());
            }
        } else {
            lateCount++;
        }
        return closeUpTo(watermark);
    }

    /** Closes every open window (end of input). */
    public List<ClosedWindow> flush() {
        return closeUpTo(Long.MAX_VALUE);
    }

    private List<ClosedWindow> closeUpTo(long watermark) {
        List<ClosedWindow> closed = new ArrayList<>();
        while (!sensorsByOpenEnd.isEmpty() && sensorsByOpenEnd.firstKey() <= watermark) {
            for (String id : sensorsByOpenEnd.pollFirstEntry().getValue()) {
                SensorWindowState state = sensors.get(id);
                closed.addAll(state.closeUpTo(watermark));
                if (state.hasOpenWindows()) {
                    sensorsByOpenEnd.computeIfAbsent(state.earliestOpenWindowEnd(), e -> new TreeSet<>()).add(id);
                }
            }
        }
        closed.sort(CLOSE_ORDER);
        return closed;
    }

    private void unindex(long end, String sensorId) {
        TreeSet<String> ids = sensorsByOpenEnd.get(end);
        if (ids != null) {
            ids.remove(sensorId);
            if (ids.isEmpty()) {
                sensorsByOpenEnd.remove(end);
            }
        }
    }

    public long lateCount() {
        return lateCount;
    }

    /** Readings whose (sensorId, ts) was already in their open window. */
    public long duplicateCount() {
        return duplicateCount;
    }

    public int sensorCount() {
        return sensors.size();
    }
}
