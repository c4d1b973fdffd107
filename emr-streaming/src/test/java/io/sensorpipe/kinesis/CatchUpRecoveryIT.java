package io.sensorpipe.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.contract.MetricNames;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Catch-up under failure: the job killed with SIGKILL mid-catch-up, a split and a merge in the backlog, and a
 * checkpoint whose stream was deleted and created again.
 */
class CatchUpRecoveryIT {
    @TempDir
    Path tmp;

    /** (b) kill -9 of the job's JVM in the middle of a backlog, restart on its checkpoint: windows exact. */
    @Test
    void killedMidCatchUpAndRestartedOnItsCheckpointWritesExactWindows() throws Exception {
        try (CatchUpCloud cloud = new CatchUpCloud(tmp, 4)) {
            cloud.produce(0, 60, new int[] {1, 2, 3, 6}, new boolean[] {false, false, false, true}, "b");
            cloud.sentinels(90);
            Process first = cloud.startJob(20);
            try {
                cloud.awaitRecordsRead(first, cloud.produced / 3, 180_000);
            } finally {
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no clean stop of the query
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(cloud.windows().keySet()).as("killed mid-catch-up").isNotEqualTo(cloud.expected.keySet());
            Process second = cloud.startJob(20);
            try {
                cloud.awaitAllWindows(second, 240_000);
            } finally {
                CatchUpCloud.stop(second);
            }
            assertThat(cloud.deadLetters("LATE")).as("LATE dead letters").isZero();
            assertThat(cloud.deadLetters("DUPLICATE")).as("records read twice").isZero();
            cloud.assertWindowsExact();
        }
    }

    /** (d) the backlog spans a split and then a merge: children wait for their parents, windows exact. */
    @Test
    void splitAndMergeInTheBacklogKeepWindowsExact() throws Exception {
        try (CatchUpCloud cloud = new CatchUpCloud(tmp, 2)) {
            cloud.produceByKey(0, 20, 8, "d");
            List<Shard> two = cloud.openShards();
            BigInteger quarter = BigInteger.TWO.pow(126);
            cloud.kinesis.splitShard(b -> b.streamName(cloud.stream).shardToSplit(two.get(0).shardId())
                    .newStartingHashKey(quarter.toString()));
            cloud.awaitActive();
            cloud.produceByKey(20, 40, 8, "d");
            List<Shard> three = cloud.openShards();
            assertThat(three).hasSize(3);
            cloud.kinesis.mergeShards(b -> b.streamName(cloud.stream).shardToMerge(three.get(1).shardId())
                    .adjacentShardToMerge(three.get(2).shardId()));
            cloud.awaitActive();
            cloud.produceByKey(40, 60, 8, "d");
            cloud.sentinels(90);
            Process job = cloud.startJob(15);
            try {
                cloud.awaitAllWindows(job, 240_000);
            } finally {
                CatchUpCloud.stop(job);
            }
            assertThat(cloud.kinesis.listShards(b -> b.streamName(cloud.stream)).shards()).as("2 + split + merge")
                    .hasSize(5);
            assertThat(cloud.deadLetters("LATE")).isZero();
            assertThat(cloud.deadLetters("DUPLICATE")).isZero();
            cloud.assertWindowsExact();
        }
    }

    /**
     * (e) the checkpoint's positions are no longer in the stream because the stream was deleted and created again
     * while the job was down (killed mid-batch): the default fails saying so, before the killed batch's re-run;
     * {@code --fail-on-data-loss false} re-runs it reading nothing (its positions are the old stream's), then reads
     * the new stream from its trim horizon, every window exact, the switch counted and dead-lettered once.
     * (A position trimmed by retention on the same stream is {@code ShardBatchReaderTest}'s.)
     */
    @Test
    void aStreamCreatedAgainWhileTheJobWasDownFailsByDefaultOrIsReadFromItsStartTheSwitchCountedOnce() throws Exception {
        try (CatchUpCloud cloud = new CatchUpCloud(tmp, 2)) {
            cloud.produce(0, 60, new int[] {2, 2}, null, "e1");
            Process first = cloud.startJob(10);
            try {
                cloud.awaitRecordsRead(first, 40, 180_000);
            } finally {
                first.destroyForcibly();
                first.waitFor(30, TimeUnit.SECONDS);
            }
            cloud.deleteStreamAndWait();
            cloud.createStream(2);
            cloud.resetExpected();
            cloud.produce(100, 120, new int[] {2, 1}, null, "e2");
            cloud.sentinels(150);

            Process failing = cloud.startJob(10);
            assertThat(failing.waitFor(180, TimeUnit.SECONDS)).as("the default fails the query").isTrue();
            assertThat(failing.exitValue()).isNotZero();
            assertThat(cloud.log()).contains("stream " + cloud.stream + " was created at")
                    .contains("deleted and created again").contains("new checkpoint")
                    .contains(JobOptions.FAIL_ON_DATA_LOSS + " false");

            Process lenient = cloud.startJob(10, JobOptions.FAIL_ON_DATA_LOSS, "false");
            try {
                cloud.awaitAllWindows(lenient, 240_000);
                long deadline = System.currentTimeMillis() + 30_000;
                while (cloud.deadLetters("DATA_LOSS") < 1 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(500);
                }
            } finally {
                CatchUpCloud.stop(lenient);
            }
            List<String> losses = cloud.deadLetters().stream().filter(l -> "DATA_LOSS".equals(l.get("reason")))
                    .map(l -> String.valueOf(l.get("message"))).toList();
            assertThat(losses).as("the switch, once").hasSize(1).allMatch(m -> m.contains("stream changed"));
            assertThat(cloud.metric(MetricNames.DATA_LOSS_EVENTS)).isEqualTo(1);
            assertThat(cloud.deadLetters("LATE")).isZero();
            cloud.assertWindowsExact("it/e2");
        }
    }
}
