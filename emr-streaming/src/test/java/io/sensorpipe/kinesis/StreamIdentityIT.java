package io.sensorpipe.kinesis;

import static io.sensorpipe.kinesis.SourceReads.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A checkpoint restarted on another stream (a stream deleted and created again under its name, or another name):
 * its positions belong to the old stream, so the job says so and how to go on instead of reading at positions that
 * mean nothing there. Driven like {@link DeterministicReplayIT}: the source against kinesis-mock, without Spark's
 * engine, each "restart" a new source instance on the same checkpoint directory.
 */
class StreamIdentityIT {
    private final KinesisClient kinesis = KinesisClients.shared();
    @TempDir
    java.nio.file.Path checkpoint;
    /** Each test's own stream (JUnit makes one instance per test). */
    private final String stream = "emr-ident-" + Long.toHexString(System.nanoTime());

    @org.junit.jupiter.api.AfterEach
    void deleteStream() {
        delete(stream);
    }

    @Test
    void aStreamCreatedAgainUnderItsNameFailsTheRestartNamingBothWaysOut() throws Exception {
        KinesisOffset end1 = recreatedAfterACheckpoint(stream, "true");
        KinesisMicroBatchStream restarted = source(stream, "true");
        assertThatThrownBy(() -> restarted.latestOffset(KinesisOffset.fromJson(end1.json()), ReadLimit.allAvailable()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stream " + stream + " was created at")
                .hasMessageContaining("deleted and created again")
                .hasMessageContaining("new checkpoint")
                .hasMessageContaining("--fail-on-data-loss false");
    }

    @Test
    void withFailOnDataLossFalseTheNewStreamIsReadFromItsStartAndTheSwitchIsReportedOnce() throws Exception {
        KinesisOffset end1 = recreatedAfterACheckpoint(stream, "false");
        // The driver stops right after deciding the switch, before Spark logged its plan: decided again, alike.
        KinesisOffset unlogged = (KinesisOffset) source(stream, "false").latestOffset(end1, ReadLimit.allAvailable());
        KinesisMicroBatchStream restarted = source(stream, "false");
        KinesisOffset end2 = (KinesisOffset) restarted.latestOffset(end1, ReadLimit.allAvailable());
        assertThat(end2.json()).isEqualTo(unlogged.json());

        List<String> switchBatch = read(restarted, end1, end2);
        assertThat(switchBatch.get(0)).contains(ShardBatchReader.DATA_LOSS_FIELD).contains("stream changed")
                .contains("deleted and created again");
        // A re-run of that batch (after a crash) reports it again with the same key: the sinks overwrite it.
        assertThat(read(source(stream, "false"), end1, KinesisOffset.fromJson(end2.json()))).isEqualTo(switchBatch);

        List<String> after = new ArrayList<>(switchBatch.subList(1, switchBatch.size()));
        KinesisOffset prev = KinesisOffset.fromJson(end2.json());
        for (int batch = 0; batch < 3; batch++) {
            if (batch == 1) {
                put(stream, "new", 3, 4);
            }
            KinesisMicroBatchStream next = source(stream, "false"); // restarts on the way change nothing more
            KinesisOffset end = (KinesisOffset) next.latestOffset(prev, ReadLimit.allAvailable());
            after.addAll(read(next, prev, end));
            prev = KinesisOffset.fromJson(end.json());
        }
        assertThat(after).containsExactly("new0", "new1", "new2", "new3"); // each once, no second marker
    }

    @Test
    void theReRunOfAPlanThatHadNotCommittedReadsNothingOfTheNewStreamOrFailsByDefault() throws Exception {
        KinesisOffset end1 = checkpointOf(stream, "false");
        put(stream, "old", 3, 5);
        // the job logged its next plan and was killed before that batch committed
        KinesisOffset end2 = KinesisOffset.fromJson(((KinesisOffset) source(stream, "false")
                .latestOffset(end1, ReadLimit.allAvailable())).json());

        recreate(stream);
        put(stream, "new", 0, 3);
        assertThatThrownBy(() -> read(source(stream, "true"), end1, end2)).as("Spark re-runs plan 2 first")
                .hasMessageContaining("deleted and created again").hasMessageContaining("--fail-on-data-loss false");

        KinesisMicroBatchStream lenient = source(stream, "false");
        assertThat(read(lenient, end1, end2)).as("the old stream's positions are not read on the new one").isEmpty();
        List<String> all = nextBatches(lenient, end2, 3);
        assertOneMarkerThen(all, "new0", "new1", "new2");
    }

    @Test
    void aFirstBatchThatNeverCommittedIsCheckedTooThoughSparkAsksForTheInitialOffsetAgain() throws Exception {
        create(stream);
        put(stream, "old", 0, 3);
        KinesisMicroBatchStream first = source(stream, "false");
        KinesisOffset start = (KinesisOffset) first.initialOffset();
        KinesisOffset end1 = KinesisOffset.fromJson(((KinesisOffset) first.latestOffset(start,
                ReadLimit.allAvailable())).json());
        assertThat(read(first, start, end1)).isNotEmpty(); // stored its results, then the sink failed

        recreate(stream);
        put(stream, "new", 0, 2);
        KinesisMicroBatchStream strict = source(stream, "true");
        KinesisOffset again = (KinesisOffset) strict.initialOffset(); // batch 0 has no committed start offset
        assertThatThrownBy(() -> read(strict, again, end1)).hasMessageContaining("deleted and created again");

        KinesisMicroBatchStream lenient = source(stream, "false");
        KinesisOffset start2 = (KinesisOffset) lenient.initialOffset();
        assertThat(read(lenient, start2, end1)).isEmpty();
        List<String> all = nextBatches(lenient, end1, 3);
        assertOneMarkerThen(all, "new0", "new1");
    }

    @Test
    void aCheckpointOfAnotherStreamNameFailsNamingBoth() throws Exception {
        String second = stream + "-b";
        try {
            KinesisOffset end1 = checkpointOf(stream, "true");
            create(second);
            KinesisMicroBatchStream other = source(second, "true");
            assertThatThrownBy(() -> other.latestOffset(end1, ReadLimit.allAvailable()))
                    .hasMessageContaining("belong to stream " + stream)
                    .hasMessageContaining("not to " + second);
        } finally {
            delete(second);
        }
    }

    /** A new stream with three readings and a checkpoint that read them (its last plan as Spark's log hands it back). */
    private KinesisOffset checkpointOf(String stream, String failOnDataLoss) throws Exception {
        create(stream);
        put(stream, "old", 0, 3);
        return KinesisOffset.fromJson(firstRun(stream, failOnDataLoss).json());
    }

    /** {@link #checkpointOf}, then the stream deleted and created again with readings new0..new2. */
    private KinesisOffset recreatedAfterACheckpoint(String stream, String failOnDataLoss) throws Exception {
        KinesisOffset end = checkpointOf(stream, failOnDataLoss);
        recreate(stream);
        put(stream, "new", 0, 3);
        return end;
    }

    /** {@code n} more batches of {@code source} after plan {@code prev}: what they read. */
    private static List<String> nextBatches(KinesisMicroBatchStream source, KinesisOffset prev, int n) throws Exception {
        List<String> out = new ArrayList<>();
        for (int batch = 0; batch < n; batch++) {
            KinesisOffset end = (KinesisOffset) source.latestOffset(prev, ReadLimit.allAvailable());
            out.addAll(read(source, prev, end));
            prev = KinesisOffset.fromJson(end.json());
        }
        return out;
    }

    private static void assertOneMarkerThen(List<String> read, String... readings) {
        assertThat(read).filteredOn(r -> r.contains(ShardBatchReader.DATA_LOSS_FIELD)).hasSize(1);
        assertThat(read).filteredOn(r -> !r.contains(ShardBatchReader.DATA_LOSS_FIELD)).containsExactly(readings);
    }

    /** A first run on a new checkpoint: reads the stream's records in one batch, returns that batch's plan. */
    private KinesisOffset firstRun(String stream, String failOnDataLoss) throws Exception {
        KinesisMicroBatchStream source = source(stream, failOnDataLoss);
        KinesisOffset start = (KinesisOffset) source.initialOffset();
        KinesisOffset end = (KinesisOffset) source.latestOffset(start, ReadLimit.allAvailable());
        List<String> read = read(source, start, end);
        KinesisOffset end1 = (KinesisOffset) source.latestOffset(end, ReadLimit.allAvailable());
        read.addAll(read(source, end, end1));
        assertThat(read).isNotEmpty().allMatch(r -> !r.contains(ShardBatchReader.DATA_LOSS_FIELD));
        return end1;
    }

    private KinesisMicroBatchStream source(String stream, String failOnDataLoss) {
        return new KinesisMicroBatchStream(KinesisSourceOptions.from(Map.of("streamName", stream,
                KinesisSourceOptions.FAIL_ON_DATA_LOSS, failOnDataLoss)), checkpoint.toString());
    }

    private void create(String stream) throws InterruptedException {
        kinesis.createStream(b -> b.streamName(stream).shardCount(1));
        for (int i = 0; i < 100; i++) {
            if (status(stream) == StreamStatus.ACTIVE) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(stream + " did not become ACTIVE");
    }

    private void recreate(String stream) throws InterruptedException {
        long createdBefore = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary()
                .streamCreationTimestamp().toEpochMilli();
        delete(stream);
        for (int i = 0; i < 100 && status(stream) != null; i++) {
            Thread.sleep(100);
        }
        Thread.sleep(Math.max(0, createdBefore + 5 - System.currentTimeMillis())); // another creation time
        create(stream);
    }

    private StreamStatus status(String stream) {
        try {
            return kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    private void delete(String stream) {
        try {
            kinesis.deleteStream(b -> b.streamName(stream));
        } catch (ResourceNotFoundException ignored) {
            // already gone
        }
    }

    private void put(String stream, String prefix, int from, int to) {
        for (int i = from; i < to; i++) {
            String data = prefix + i;
            kinesis.putRecord(b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String(data)));
        }
    }
}
