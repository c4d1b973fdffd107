package io.sensorpipe.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The event-time alignment rule of the source: no shard may consume a record newer than
 * {@code min(event-time position of the shards that hold others) + watermark delay}.
 *
 * <p>Why this is enough: Spark's watermark after a batch is at most (newest consumed event time − delay) ≤ the
 * oldest position of a holding shard, and every reading a holding shard still has to give is at least its position
 * (readings are in event-time order per shard), so no in-order reading finds its window closed because another shard
 * ran ahead. Shards that are finished (closed and read to the end) or idle (read to their tip) hold nobody back; a
 * holding shard whose position is not known yet (a new child, the first batch) freezes the ceiling where it was
 * until its first read tells where it stands. The shards at the minimum position are leaders: each may consume its
 * next record even past the ceiling, so reading always progresses (e.g. a KPL aggregate spanning more than the delay).
 */
public record AlignmentPlan(long ceiling, List<String> leaders) {
    public static final long UNBOUNDED = Long.MAX_VALUE;
    public static final long LOOK_ONLY = Long.MIN_VALUE;

    public static AlignmentPlan of(Map<String, ShardPosition> shards, long watermarkDelayMillis, long previousCeiling) {
        long min = Long.MAX_VALUE;
        boolean unknown = false;
        boolean holding = false;
        for (ShardPosition p : shards.values()) {
            if (!p.holdsOthers()) {
                continue;
            }
            holding = true;
            Long pos = p.eventTimePosition();
            if (pos == null) {
                unknown = true;
            } else {
                min = Math.min(min, pos);
            }
        }
        if (!holding) {
            return new AlignmentPlan(UNBOUNDED, List.of());
        }
        List<String> leaders = new ArrayList<>();
        if (unknown) {
            // Never raise the ceiling past a shard we know nothing about: its first readings may be older.
            long frozen = previousCeiling == UNBOUNDED ? (min == Long.MAX_VALUE ? LOOK_ONLY : satAdd(min,
                    watermarkDelayMillis)) : previousCeiling;
            if (min != Long.MAX_VALUE) {
                frozen = Math.min(frozen, satAdd(min, watermarkDelayMillis));
            }
            return new AlignmentPlan(frozen, leaders);
        }
        for (Map.Entry<String, ShardPosition> e : shards.entrySet()) {
            if (e.getValue().holdsOthers() && e.getValue().eventTimePosition() == min) {
                leaders.add(e.getKey());
            }
        }
        return new AlignmentPlan(satAdd(min, watermarkDelayMillis), leaders);
    }

    private static long satAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a > 0 ? Long.MAX_VALUE - 1 : Long.MIN_VALUE + 1) : Math.min(r, Long.MAX_VALUE - 1);
    }
}
