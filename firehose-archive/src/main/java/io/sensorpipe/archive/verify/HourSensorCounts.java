package io.sensorpipe.archive.verify;

import io.sensorpipe.schema.Reading;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Readings counted per event-time hour and sensor, with re-occurrences of the same reading (same sensor, event time
 * and value) counted apart as duplicates, so "exactly once" is checkable.
 */
public final class HourSensorCounts {
    private final Map<String, Map<String, Long>> counts = new TreeMap<>();
    private final Set<Long> seen = new HashSet<>();
    private long total;
    private long duplicates;
    private long minTs = Long.MAX_VALUE;
    private long maxTs = Long.MIN_VALUE;

    /** Adds one reading; returns false (and counts a duplicate) if the same reading was added before. */
    public boolean add(Reading r) {
        if (!seen.add(identity(r))) {
            duplicates++;
            return false;
        }
        total++;
        minTs = Math.min(minTs, r.ts());
        maxTs = Math.max(maxTs, r.ts());
        counts.computeIfAbsent(hourOf(r.ts()), h -> new TreeMap<>()).merge(r.sensorId(), 1L, Long::sum);
        return true;
    }

    /** Distinct readings. */
    public long total() {
        return total;
    }

    /** Oldest event time added (Long.MAX_VALUE when empty). */
    public long minTs() {
        return minTs;
    }

    /** Newest event time added (Long.MIN_VALUE when empty). */
    public long maxTs() {
        return maxTs;
    }

    public long duplicates() {
        return duplicates;
    }

    /** hour (ISO, UTC) → sensorId → distinct readings. */
    public Map<String, Map<String, Long>> byHourAndSensor() {
        return counts;
    }

    public long count(String hour, String sensorId) {
        return counts.getOrDefault(hour, Map.of()).getOrDefault(sensorId, 0L);
    }

    static String hourOf(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.HOURS).toString();
    }

    /** 64-bit FNV-1a of sensorId|ts|value: a compact identity, collisions negligible at archive sizes. */
    static long identity(Reading r) {
        String s = r.sensorId() + "|" + r.ts() + "|" + Double.doubleToLongBits(r.value());
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
