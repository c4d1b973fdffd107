package io.sensorpipe.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

/** The executor-local read-ahead: keyed by position, bounded per shard and in total, taken once. */
class ReadAheadBufferTest {
    private static List<Record> records(int n, int bytes) {
        List<Record> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Record.builder().sequenceNumber(Integer.toString(100 + i)).partitionKey("k")
                    .data(SdkBytes.fromByteArray(new byte[bytes])).build());
        }
        return out;
    }

    @Test
    void anEntryServesOnlyTheTaskThatStartsAtItsPositionAndOnlyOnce() {
        ReadAheadBuffer b = new ReadAheadBuffer(100, 10_000, 100_000);
        b.put("s", "shard-0", "99", records(3, 10), "it", true, 1_000, 0);
        assertThat(b.take("s", "shard-0", "98", 1_000)).as("another position").isNull();
        ReadAheadBuffer.Entry e = b.take("s", "shard-0", "99", 1_000);
        assertThat(e.records()).hasSize(3);
        assertThat(e.iterator()).isEqualTo("it");
        assertThat(b.take("s", "shard-0", "99", 1_000)).as("taken").isNull();
        assertThat(b.bytes()).isZero();
    }

    @Test
    void perShardBoundsCutTheRecordsAndForgetTheIterator() {
        ReadAheadBuffer b = new ReadAheadBuffer(2, 10_000, 100_000);
        b.put("s", "shard-0", "99", records(5, 10), "it", true, 1_000, 0);
        ReadAheadBuffer.Entry e = b.take("s", "shard-0", "99", 1_000);
        assertThat(e.records()).hasSize(2);
        assertThat(e.iteratorKnown()).as("the iterator is past the dropped records").isFalse();

        ReadAheadBuffer bytes = new ReadAheadBuffer(100, 25, 100_000);
        bytes.put("s", "shard-0", "99", records(5, 10), "it", true, 1_000, 0);
        assertThat(bytes.take("s", "shard-0", "99", 1_000).records()).hasSize(2);
    }

    @Test
    void theTotalBoundDropsTheLeastRecentlyStoredShardsAndOldEntriesExpire() {
        ReadAheadBuffer b = new ReadAheadBuffer(100, 10_000, 250);
        b.put("s", "shard-0", "99", records(10, 10), "it", true, 1_000, 0);
        b.put("s", "shard-1", "99", records(10, 10), "it", true, 1_000, 0);
        b.put("s", "shard-2", "99", records(10, 10), "it", true, 1_000, 0);
        assertThat(b.bytes()).isLessThanOrEqualTo(250);
        assertThat(b.take("s", "shard-0", "99", 1_000)).as("the oldest went first").isNull();
        assertThat(b.take("s", "shard-2", "99", 1_000)).isNotNull();
        assertThat(b.take("s", "shard-1", "99", 1_000 + ReadAheadBuffer.MAX_AGE_MS + 1)).as("too old").isNull();
    }

    @Test
    void theReadersLocationTravelsInMemoryButIsNotStored(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        BatchMetadataStore store = new BatchMetadataStore(tmp.toString());
        ShardBatchResult result = new ShardBatchResult(new ShardPosition("7", false), false, null, 1, 1, 10, 1, 0,
                "executor_host_1");
        store.putIfAbsent(3, "shard-0", result);
        assertThat(tmp.resolve("3").resolve("shard-0.json")).content().doesNotContain("location")
                .doesNotContain("executor_host_1");
        ShardBatchResult back = new BatchMetadataStore(tmp.toString()).get(3, "shard-0").orElseThrow();
        assertThat(back.location()).isNull();
        assertThat(back.end()).isEqualTo(result.end());
        assertThat(back.bytes()).isEqualTo(10);
    }
}
