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
 * <p>Shards that are finished (closed and read to the end) hold nobody back, nor do idle ones (read to their tip)
 * once they have stayed idle for a while ({@link Idleness}: a shard reaching its tip may only be ahead of its
 * producer, which fills the shards unevenly while it writes faster than real time); while it holds, an idle shard's
 * cap reaches nothing (it has nothing to read now). A holding
 * shard whose position is not known yet (a new child, the first batch) freezes the ceiling where it was until its
 * first read tells where it stands. The shards at the minimum position are leaders: each may consume its next
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

    /**
     * When an idle shard (read to its tip) stops holding the others back. A shard at its tip now is not necessarily
     * done: a producer writing faster than real time (a backfill, a replay) fills the shards unevenly, and the
     * source's tasks read them at different moments, so one shard's tip can lag the others' by more than the watermark
     * delay in event time; let go at once, its next records would find their windows closed. So a shard whose read
     * reached its tip holds at its newest event time (its cap reaching nothing past it) while its reads get records,
     * and for {@code idleAfterMs} of processing time after the first read that got none; then it is idle and holds
     * nobody until it has records again. A shard that never had a record counts its idle time from
     * {@code dataSince} at the earliest (when this driver first knew a shard's position): a stream that is just
     * starting to fill does not leave its empty shards behind. A shard that stopped getting records thus holds the
     * others for at most {@code idleAfterMs}, a live stream's other shards not at all when that is below the watermark
     * delay minus a trigger (their readings are no more than that ahead of it).
     *
     * @param now         processing time of the plan (ms)
     * @param idleAfterMs how long an idle shard keeps holding (0: not at all, the rule before idleness was timed)
     * @param dataSince   processing time this driver first knew some shard's position (0: not yet)
     */
    public record Idleness(long now, long idleAfterMs, long dataSince) {
        /** Idle shards never hold. */
        public static final Idleness IMMEDIATE = new Idleness(0, 0, 0);

        /** Whether {@code p} keeps the other shards from running ahead in a plan made now. */
        public boolean holds(ShardPosition p) {
            if (p.holdsOthers()) {
                return true;
            }
            if (p.finished() || idleAfterMs <= 0) {
                return false;
            }
            if (p.idleSinceMillis() == 0) {
                return true; // its last read got records: at its tip, but its producer is writing
            }
            long since = p.eventTimePosition() == null ? Math.max(p.idleSinceMillis(), dataSince) : p.idleSinceMillis();
            return since > 0 && now - since < idleAfterMs;
        }
    }

    /** The plain rule (reach 0): ceiling = slowest holding position + delay. */
    public static AlignmentPlan of(Map<String, ShardPosition> shards, long watermarkDelayMillis, long previousCeiling) {
        return of(shards, watermarkDelayMillis, previousCeiling, 0);
    }

    public static AlignmentPlan of(Map<String, ShardPosition> shards, long watermarkDelayMillis, long previousCeiling,
                                   int maxRecordsPerShard) {
        return of(shards, watermarkDelayMillis, previousCeiling, maxRecordsPerShard, Idleness.IMMEDIATE);
    }

    public static AlignmentPlan of(Map<String, ShardPosition> shards, long watermarkDelayMillis, long previousCeiling,
                                   int maxRecordsPerShard, Idleness idleness) {
        long min = Long.MAX_VALUE;
        long floor = Long.MAX_VALUE;
        boolean unknown = false;
        boolean holding = false;
        for (ShardPosition p : shards.values()) {
            if (!idleness.holds(p)) {
                continue;
            }
            holding = true;
            Long pos = p.eventTimePosition();
            if (pos == null) {
                unknown = true;
            } else {
                min = Math.min(min, pos);
                floor = Math.min(floor, satAdd(pos, reach(p, maxRecordsPerShard)));
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
            if (idleness.holds(e.getValue()) && e.getValue().eventTimePosition() == min) {
                leaders.add(e.getKey());
            }
        }
        return new AlignmentPlan(satAdd(floor, watermarkDelayMillis), floor, leaders);
    }

    /**
     * How far in event time a holding shard has records to read past its position: what 80 % of the cap covers at its
     * measured density, but, for a shard whose read stopped at the ceiling, no further than the records that read
     * fetched (the page's newest event time): a producer writing while the job reads (a backfill faster than real
     * time) has not yet written what the cap alone would promise, and a floor past a shard's tip lets the watermark
     * pass the records it writes next. An idle shard has nothing to read now: 0.
     */
    static long reach(ShardPosition p, int maxRecordsPerShard) {
        if (p.idle() || p.recordsPerSecond() <= 0) {
            return 0;
        }
        long cap = (long) (REACH_SHARE * maxRecordsPerShard * 1000 / p.recordsPerSecond());
        Long pos = p.eventTimePosition();
        if (p.seenEventTime() == null || pos == null) {
            return cap;
        }
        return Math.max(0, Math.min(cap, p.seenEventTime() - pos));
    }

    private static long satAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a > 0 ? Long.MAX_VALUE - 1 : Long.MIN_VALUE + 1) : Math.min(r, Long.MAX_VALUE - 1);
    }
}
