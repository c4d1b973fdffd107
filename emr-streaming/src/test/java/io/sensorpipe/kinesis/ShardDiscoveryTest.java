package io.sensorpipe.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** Which shards a batch may read: children only after every parent is finished. */
class ShardDiscoveryTest {
    private static final Shard PARENT_A = Shard.builder().shardId("shardId-0").build();
    private static final Shard PARENT_B = Shard.builder().shardId("shardId-1").build();
    private static final Shard SPLIT_CHILD = Shard.builder().shardId("shardId-2").parentShardId("shardId-0").build();
    private static final Shard MERGED_CHILD = Shard.builder().shardId("shardId-3").parentShardId("shardId-0")
            .adjacentParentShardId("shardId-1").build();

    @Test
    void aShardWithAnEndOrAListedChildIsClosed() {
        Shard ended = Shard.builder().shardId("shardId-9").sequenceNumberRange(r -> r.startingSequenceNumber("1")
                .endingSequenceNumber("5")).build();
        assertThat(KinesisMicroBatchStream.closedShards(List.of(PARENT_A, PARENT_B, MERGED_CHILD, ended)))
                .containsExactlyInAnyOrder("shardId-0", "shardId-1", "shardId-9");
        assertThat(KinesisMicroBatchStream.closedShards(List.of(PARENT_A, PARENT_B))).isEmpty();
    }

    @Test
    void childrenOfAnUnfinishedParentAreNotReadYet() {
        Map<String, ShardPosition> start = Map.<String, ShardPosition>of();
        Map<String, ShardPosition> discovered = KinesisMicroBatchStream.discover(start, List.of(PARENT_A, PARENT_B, SPLIT_CHILD));
        assertThat(discovered).containsOnlyKeys("shardId-0", "shardId-1");
    }

    @Test
    void childBecomesReadableOnceItsParentIsFinished() {
        Map<String, ShardPosition> parentDone = Map.of("shardId-0", new ShardPosition("42", true), "shardId-1", new ShardPosition("7", false));
        Map<String, ShardPosition> discovered = KinesisMicroBatchStream.discover(parentDone, List.of(PARENT_A, PARENT_B, SPLIT_CHILD));
        assertThat(discovered).containsKey("shardId-2");
        assertThat(discovered.get("shardId-2")).isEqualTo(ShardPosition.notStarted());
        assertThat(discovered.get("shardId-0")).isEqualTo(new ShardPosition("42", true));
    }

    @Test
    void mergedChildWaitsForBothParents() {
        Map<String, ShardPosition> oneDone = Map.of("shardId-0", new ShardPosition("42", true), "shardId-1", new ShardPosition("7", false));
        assertThat(KinesisMicroBatchStream.discover(oneDone, List.of(PARENT_A, PARENT_B, MERGED_CHILD)))
                .doesNotContainKey("shardId-3");
        Map<String, ShardPosition> bothDone = Map.of("shardId-0", new ShardPosition("42", true), "shardId-1", new ShardPosition("9", true));
        assertThat(KinesisMicroBatchStream.discover(bothDone, List.of(PARENT_A, PARENT_B, MERGED_CHILD)))
                .containsKey("shardId-3");
    }

    @Test
    void childOfAParentTrimmedByRetentionIsReadable() {
        Map<String, ShardPosition> start = Map.<String, ShardPosition>of();
        assertThat(KinesisMicroBatchStream.discover(start, List.of(SPLIT_CHILD))).containsKey("shardId-2");
    }

    @Test
    void offsetSurvivesItsJsonRoundTrip() {
        KinesisOffset o = new KinesisOffset("AT_TIMESTAMP:1764072000000",
                Map.of("shardId-0", new ShardPosition("4959", true), "shardId-2", ShardPosition.notStarted()));
        KinesisOffset back = KinesisOffset.fromJson(o.json());
        assertThat(back.json()).isEqualTo(o.json());
        assertThat(back.shards()).isEqualTo(o.shards());
        assertThat(back.startPosition()).isEqualTo(new StartPosition("AT_TIMESTAMP", 1_764_072_000_000L));
    }

    @Test
    void anOffsetWrittenBeforeAlignmentExistedIsReadAsLookOnly() {
        KinesisOffset old = KinesisOffset.fromJson(
                "{\"start\":\"TRIM_HORIZON\",\"shards\":{\"shardId-0\":{\"seq\":\"42\",\"finished\":false}}}");
        assertThat(old.ceiling()).isEqualTo(AlignmentPlan.LOOK_ONLY);
        assertThat(old.shards().get("shardId-0").afterSequenceNumber()).isEqualTo("42");
    }

    @Test
    void latestIsPinnedToTheQueryStartSoReplaysStartAtTheSameRecord() {
        KinesisSourceOptions latest = KinesisSourceOptions.from(Map.of("streamName", "s", "initialPosition", "latest"));
        assertThat(StartPosition.of(latest, 1234L).spec()).isEqualTo("AT_TIMESTAMP:1234");
    }

    @Test
    void anOffsetWrittenByAnotherSourceSaysSoAndHowToGoOn() {
        // the shape of AWS's aws-kinesis connector's offsets: a checkpoint started with --source aws-kinesis
        String foreign = "{\"metadata\":{\"streamName\":\"s\",\"batchId\":\"7\"},\"shardId-000000000000\":"
                + "{\"iteratorType\":\"AFTER_SEQUENCE_NUMBER\",\"iteratorPosition\":\"4959\"}}";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KinesisOffset.fromJson(foreign))
                .hasMessageContaining("not written by the sensorpipe-kinesis source")
                .hasMessageContaining("--source").hasMessageContaining("new checkpoint");
    }
}
