package io.sensorpipe.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The event-time ceiling the driver plans with. */
class AlignmentPlanTest {
    private static ShardPosition at(long ts) {
        return new ShardPosition("1", false, ts, ts - 1, "2", false, 500, null, 0, 0);
    }

    private static ShardPosition idleAt(long ts) {
        return new ShardPosition("1", false, null, ts, null, true, 0, null, 0, 0);
    }

    @Test
    void noShardMayRunAheadOfTheSlowestByMoreThanTheDelay() {
        AlignmentPlan p = AlignmentPlan.of(Map.of("a", at(10_000), "b", at(70_000)), 5_000, AlignmentPlan.LOOK_ONLY);
        assertThat(p.ceiling()).isEqualTo(15_000);
        assertThat(p.leaders()).containsExactly("a");
    }

    @Test
    void theFloorIsWhereTheCapReachesOnTheSlowestShardAndTheCeilingADelayPastIt() {
        ShardPosition sparse = new ShardPosition("1", false, 10_000L, 9_000L, "2", false, 500, null, 0, 1.0);
        ShardPosition dense = new ShardPosition("1", false, 12_000L, 11_000L, "2", false, 500, null, 0, 50.0);
        AlignmentPlan p = AlignmentPlan.of(Map.of("sparse", sparse, "dense", dense), 5_000, AlignmentPlan.LOOK_ONLY, 100);
        // 80 of the cap's 100 records: 80 s on the sparse shard, 1.6 s on the dense one
        assertThat(p.floor()).isEqualTo(13_600);
        assertThat(p.ceiling()).isEqualTo(18_600);
        assertThat(p.leaders()).containsExactly("sparse");
    }

    @Test
    void idleAndFinishedShardsDoNotHoldOthersBack() {
        AlignmentPlan p = AlignmentPlan.of(Map.of("a", idleAt(1_000), "b", new ShardPosition("9", true),
                "c", at(70_000)), 5_000, AlignmentPlan.LOOK_ONLY);
        assertThat(p.ceiling()).isEqualTo(75_000);
        assertThat(AlignmentPlan.of(Map.of("a", idleAt(1_000)), 5_000, 0).ceiling()).isEqualTo(AlignmentPlan.UNBOUNDED);
    }

    @Test
    void aShardNotReadYetFreezesTheCeilingUntilItsFirstReadTellsWhereItStands() {
        assertThat(AlignmentPlan.of(Map.of("a", ShardPosition.notStarted()), 5_000, AlignmentPlan.LOOK_ONLY).ceiling())
                .isEqualTo(AlignmentPlan.LOOK_ONLY);
        AlignmentPlan p = AlignmentPlan.of(Map.of("a", at(70_000), "child", ShardPosition.notStarted()), 5_000, 40_000);
        assertThat(p.ceiling()).as("not raised past the previous ceiling").isEqualTo(40_000);
        assertThat(p.leaders()).isEmpty();
    }

    private static ShardPosition tipAt(long ts, long idleSince) {
        return new ShardPosition("1", false, null, ts, null, true, 0, null, 0, 50.0, false, idleSince, null);
    }

    @Test
    void aShardAtItsTipHoldsTheOthersAtItsNewestTimeWhileItGetsRecordsAndForAWhileAfter() {
        long now = 1_000_000;
        AlignmentPlan.Idleness idleness = new AlignmentPlan.Idleness(now, 15_000, now - 60_000);
        ShardPosition backlog = new ShardPosition("1", false, 70_000L, 69_000L, "2", false, 500, null, 0, 50.0);
        // active at its tip (its last read got records): holds, and its cap reaches nothing past its tip
        AlignmentPlan p = AlignmentPlan.of(Map.of("tip", tipAt(10_000, 0), "b", backlog), 5_000,
                AlignmentPlan.UNBOUNDED, 100, idleness);
        assertThat(p.floor()).isEqualTo(10_000);
        assertThat(p.ceiling()).isEqualTo(15_000);
        // idle for less than the grace: still holds
        assertThat(AlignmentPlan.of(Map.of("tip", tipAt(10_000, now - 14_999), "b", backlog), 5_000,
                AlignmentPlan.UNBOUNDED, 100, idleness).ceiling()).isEqualTo(15_000);
        // idle for longer: lets go, the backlog's own reach decides
        assertThat(AlignmentPlan.of(Map.of("tip", tipAt(10_000, now - 15_000), "b", backlog), 5_000,
                AlignmentPlan.UNBOUNDED, 100, idleness).floor()).isEqualTo(70_000 + 1_600);
        // the rule without timing (tests of the plain rule, positions of earlier releases): idle never holds
        assertThat(AlignmentPlan.of(Map.of("tip", tipAt(10_000, 0), "b", backlog), 5_000,
                AlignmentPlan.UNBOUNDED, 100).floor()).isEqualTo(70_000 + 1_600);
    }

    @Test
    void anEmptyShardCountsItsIdleTimeFromWhenTheStreamFirstHadData() {
        long now = 1_000_000;
        ShardPosition empty = new ShardPosition(null, false, null, null, null, true, 0, null, 0, 0, false, now - 600_000, null);
        ShardPosition filling = new ShardPosition("1", false, 70_000L, 69_000L, "2", false, 500, null, 0, 50.0);
        AlignmentPlan justStarted = AlignmentPlan.of(Map.of("empty", empty, "b", filling), 5_000, 40_000, 100,
                new AlignmentPlan.Idleness(now, 15_000, now - 1_000));
        assertThat(justStarted.ceiling()).as("not raised past the previous ceiling while it may still fill")
                .isEqualTo(40_000);
        AlignmentPlan later = AlignmentPlan.of(Map.of("empty", empty, "b", filling), 5_000, 40_000, 100,
                new AlignmentPlan.Idleness(now, 15_000, now - 15_000));
        assertThat(later.floor()).isEqualTo(70_000 + 1_600);
    }

    @Test
    void aShardThatStoppedAtTheCeilingReachesNoFurtherThanTheRecordsItsReadFetched() {
        // a producer writing faster than real time while the job reads: the cap would promise 1,600 s of this shard,
        // but its read saw records only up to 75 s; a floor past that would let the watermark pass what comes next
        ShardPosition writing = new ShardPosition("1", false, 70_000L, 69_000L, "2", false, 0, null, 0, 0.05, false, 0,
                75_000L);
        assertThat(AlignmentPlan.reach(writing, 100)).isEqualTo(5_000);
        assertThat(AlignmentPlan.of(Map.of("w", writing), 5_000, AlignmentPlan.UNBOUNDED, 100).floor())
                .isEqualTo(75_000);
        ShardPosition backlog = new ShardPosition("1", false, 70_000L, 69_000L, "2", false, 0, null, 0, 0.05, false, 0,
                9_000_000L);
        assertThat(AlignmentPlan.reach(backlog, 100)).as("a written backlog: the cap decides").isEqualTo(1_600_000);
    }
}
