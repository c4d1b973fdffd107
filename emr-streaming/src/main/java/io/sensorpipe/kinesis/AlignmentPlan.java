package io.sensorpipe.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The event-time alignment rule of the source. Every task of a plan consumes records up to the {@code ceiling}
 * (cap permitting) and must consume every record up to the {@code floor} (even past the cap); the plan chooses
 * {@code floor} = min over the shards that hold others of (position + how far in event time the cap reaches on that
 * shard) and {@code ceiling} = floor + watermark delay.
 *
 * <p>Why no in-order reading becomes LATE: Spark's watermark after a batch is (newest event time consumed − delay)
 * ≤ floor, and after the batch every holding shard has consumed all its records up to the floor, so its next
 * reading is newer than the floor; readings are in event-time order per shard, so a reading that is in order on
 * its own shard never finds its window closed because another shard ran ahead. With unknown densities the reach
 * is 0 and the rule is the plain one: no shard runs ahead of the slowest by more than the delay.
 *
 * <p>Shards that are finished (closed and read to the end) or idle (read to their tip) hold nobody back, nor does a
 * shard read so far whose records all lacked a usable event time; a holding shard whose position is not known yet (a
 * new child, the first batch) freezes the ceiling where it was until its first read tells where it stands. The shards at the minimum position are leaders: each may consume its next
 * record past the ceiling when that record starts inside it (a KPL aggregate spanning more than the delay). A
 * record wholly past the ceiling is not consumed (it would move the watermark past the others' backlog); the task
 * reports its event time as the shard's position instead, so progress holds: the ceiling is at least the minimum
 * position + delay, and a shard's position only grows.
 */
public record AlignmentPlan(long ceiling, long floor, List<String> leaders) {
    public static final long UNBOUNDED = Long.MAX_VALUE;
    public static final long LOOK_ONLY = Long.MIN_VALUE;
    /** Share of the cap the floor is planned for: headroom for a density that changed since it was measured. */
    static final double REACH_SHARE = 0.8;

    /** The plain rule (reach 0): ceiling = slowest holding position + delay. */
    public static AlignmentPlan of(Map<String, ShardPosition> shards, long watermarkDelayMillis, long previousCeiling) {
        return of(shards, watermarkDelayMillis, previousCeiling, 0);
    }

    public static AlignmentPlan of(Map<String, ShardPosition> shards, long watermarkDelayMillis, long previousCeiling,
                                   int maxRecordsPerShard) {
        return of(shards, watermarkDelayMillis, previousCeiling, maxRecordsPerShard, java.util.Set.of());
    }

    /**
     * @param closed shards known to be closed (split or merged): their reach is 0. The floor stays at or below such
     *               a shard's position, so at or below its last record, where its children's records begin; with a
     *               reach the others could read (and the watermark pass) past its end before its children are in a
     *               plan, and their first readings would come LATE.
     */
    public static AlignmentPlan of(Map<String, ShardPosition> shards, long watermarkDelayMillis, long previousCeiling,
                                   int maxRecordsPerShard, java.util.Set<String> closed) {
        long min = Long.MAX_VALUE;
        long floor = Long.MAX_VALUE;
        boolean unknown = false;
        boolean holding = false;
        for (Map.Entry<String, ShardPosition> entry : shards.entrySet()) {
            ShardPosition p = entry.getValue();
            if (!p.holdsOthers()) {
                continue;
            }
            holding = true;
            Long pos = p.eventTimePosition();
            if (pos == null) {
                unknown = true;
            } else {
                min = Math.min(min, pos);
                long reach = p.recordsPerSecond() > 0 && !closed.contains(entry.getKey())
                        ? (long) (REACH_SHARE * maxRecordsPerShard * 1000 / p.recordsPerSecond()) : 0;
                floor = Math.min(floor, satAdd(pos, reach));
            }
        }
        if (!holding) {
            return new AlignmentPlan(UNBOUNDED, LOOK_ONLY, List.of());
        }
        if (unknown) {
            // Never raise the ceiling past a shard we know nothing about: its first readings may be older.
            long frozen = previousCeiling == UNBOUNDED
                    ? (min == Long.MAX_VALUE ? LOOK_ONLY : satAdd(min, watermarkDelayMillis)) : previousCeiling;
            if (min != Long.MAX_VALUE) {
                frozen = Math.min(frozen, satAdd(min, watermarkDelayMillis));
            }
            return new AlignmentPlan(frozen, LOOK_ONLY, List.of());
        }
        List<String> leaders = new ArrayList<>();
        for (Map.Entry<String, ShardPosition> e : shards.entrySet()) {
            if (e.getValue().holdsOthers() && e.getValue().eventTimePosition() == min) {
                leaders.add(e.getKey());
            }
        }
        return new AlignmentPlan(satAdd(floor, watermarkDelayMillis), floor, leaders);
    }

    private static long satAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a > 0 ? Long.MAX_VALUE - 1 : Long.MIN_VALUE + 1) : Math.min(r, Long.MAX_VALUE - 1);
    }
}
