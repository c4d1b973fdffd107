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
    void anOffsetWhosePositionsCarryAFieldOfALaterReleaseIsStillRead() {
        // a rollback after a release that stores more per shard: its plans must stay readable by this one
        KinesisOffset written = new KinesisOffset("TRIM_HORIZON", 7, 15_000L, 10_000L, java.util.List.of("a"),
                Map.of("a", at(10_000)));
        String later = written.json().replace("\"finished\":false", "\"finished\":false,\"aFieldOfLater\":42");
        assertThat(later).contains("aFieldOfLater");
        assertThat(KinesisOffset.fromJson(later).shards().get("a")).isEqualTo(at(10_000));
    }

    @Test
    void idleAndFinishedShardsDoNotHoldOthersBack() {
        AlignmentPlan p = AlignmentPlan.of(Map.of("a", idleAt(1_000), "b", new ShardPosition("9", true),
                "c", at(70_000)), 5_000, AlignmentPlan.LOOK_ONLY);
        assertThat(p.ceiling()).isEqualTo(75_000);
        assertThat(AlignmentPlan.of(Map.of("a", idleAt(1_000)), 5_000, 0).ceiling()).isEqualTo(AlignmentPlan.UNBOUNDED);
    }

    @Test
    void aClosedShardHasNoReachSoTheFloorStaysWhereItsChildrenBegin() {
        ShardPosition parent = new ShardPosition("1", false, 10_000L, 9_000L, "2", false, 500, null, 0, 1.0);
        ShardPosition dense = new ShardPosition("1", false, 12_000L, 11_000L, "2", false, 500, null, 0, 50.0);
        AlignmentPlan open = AlignmentPlan.of(Map.of("parent", parent, "dense", dense), 5_000, AlignmentPlan.LOOK_ONLY, 100);
        assertThat(open.floor()).as("reach 80 s on a 1 record/s shard").isGreaterThan(10_000);
        AlignmentPlan closed = AlignmentPlan.of(Map.of("parent", parent, "dense", dense), 5_000, AlignmentPlan.LOOK_ONLY,
                100, java.util.Set.of("parent"));
        assertThat(closed.floor()).isEqualTo(10_000);
        assertThat(closed.ceiling()).isEqualTo(15_000);
    }

    @Test
    void aShardWhoseRecordsSoFarHadNoUsableTimeDoesNotFreezeTheOthers() {
        // read (records consumed), none with a usable ts: garbage, which the job dead-letters
        ShardPosition garbage = new ShardPosition("7", false, null, null, null, false, 86_400_000, null, 0, 0);
        AlignmentPlan p = AlignmentPlan.of(Map.of("garbage", garbage, "a", at(70_000)), 5_000, 40_000);
        assertThat(p.ceiling()).isEqualTo(75_000);
        assertThat(p.leaders()).containsExactly("a");
        assertThat(AlignmentPlan.of(Map.of("garbage", garbage), 5_000, 40_000).ceiling())
                .isEqualTo(AlignmentPlan.UNBOUNDED);
    }

    @Test
    void aShardNotReadYetFreezesTheCeilingUntilItsFirstReadTellsWhereItStands() {
        assertThat(AlignmentPlan.of(Map.of("a", ShardPosition.notStarted()), 5_000, AlignmentPlan.LOOK_ONLY).ceiling())
                .isEqualTo(AlignmentPlan.LOOK_ONLY);
        AlignmentPlan p = AlignmentPlan.of(Map.of("a", at(70_000), "child", ShardPosition.notStarted()), 5_000, 40_000);
        assertThat(p.ceiling()).as("not raised past the previous ceiling").isEqualTo(40_000);
        assertThat(p.leaders()).isEmpty();
    }
}
