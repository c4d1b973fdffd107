package io.sensorpipe.kinesis;

import static io.sensorpipe.kinesis.SourceReads.read;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The source against kinesis-mock, without Spark's engine: a batch re-run from its plan (as Spark's offset log
 * hands it back) reads exactly the records of the first run, however many records arrived since (what a re-run
 * after a crash does), and respects the per-shard record limit.
 */
class DeterministicReplayIT {
    private final KinesisClient kinesis = KinesisClients.shared();
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;

    @Test
    void rerunBatchReadsExactlyTheRecordsOfItsFirstRun() throws Exception {
        String stream = "emr-replay-" + Long.toHexString(System.nanoTime());
        kinesis.createStream(b -> b.streamName(stream).shardCount(1));
        for (int i = 0; i < 100 && kinesis.describeStreamSummary(b -> b.streamName(stream))
                .streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE; i++) {
            Thread.sleep(100);
        }
        try {
            put(stream, 0, 10);
            KinesisMicroBatchStream source = new KinesisMicroBatchStream(KinesisSourceOptions.from(
                    Map.of("streamName", stream, "maxRecordsPerShard", "6")), tmp.toString());
            KinesisOffset start = (KinesisOffset) source.initialOffset();
            KinesisOffset end1 = (KinesisOffset) source.latestOffset(start, ReadLimit.allAvailable());
            List<String> first = read(source, start, end1);
            assertThat(first).containsExactly("r0", "r1", "r2", "r3", "r4", "r5"); // limit: 6 per shard per batch

            put(stream, 10, 20); // more data arrives before the re-run
            KinesisOffset end1FromLog = KinesisOffset.fromJson(end1.json()); // as Spark's offset log hands it back
            assertThat(read(source, start, end1FromLog)).isEqualTo(first);

            KinesisOffset end2 = (KinesisOffset) source.latestOffset(end1FromLog, ReadLimit.allAvailable());
            assertThat(read(source, end1FromLog, end2)).containsExactly("r6", "r7", "r8", "r9", "r10", "r11");
        } finally {
            kinesis.deleteStream(b -> b.streamName(stream));
        }
    }

    @Test
    void anAtTimestampStartWithinTheRetentionReadsWithoutDataLoss() throws Exception {
        String stream = "emr-at-ts-" + Long.toHexString(System.nanoTime());
        kinesis.createStream(b -> b.streamName(stream).shardCount(1));
        for (int i = 0; i < 100 && kinesis.describeStreamSummary(b -> b.streamName(stream))
                .streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE; i++) {
            Thread.sleep(100);
        }
        try {
            put(stream, 0, 3);
            // The start is checked against the stream's retention and creation time (DescribeStreamSummary).
            KinesisMicroBatchStream source = new KinesisMicroBatchStream(KinesisSourceOptions.from(Map.of(
                    "streamName", stream, "initialPosition", "AT_TIMESTAMP",
                    "atTimestampMillis", Long.toString(System.currentTimeMillis() - 3_600_000))), tmp.toString());
            KinesisOffset start = (KinesisOffset) source.initialOffset();
            KinesisOffset end1 = (KinesisOffset) source.latestOffset(start, ReadLimit.allAvailable());
            assertThat(read(source, start, end1)).containsExactly("r0", "r1", "r2");
        } finally {
            kinesis.deleteStream(b -> b.streamName(stream));
        }
    }

    private void put(String stream, int from, int to) {
        for (int i = from; i < to; i++) {
            String data = "r" + i;
            kinesis.putRecord(b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String(data)));
        }
    }
}
