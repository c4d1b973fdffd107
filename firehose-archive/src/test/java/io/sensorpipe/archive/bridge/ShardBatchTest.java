package io.sensorpipe.archive.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.contract.ArchiveLayout;
import io.sensorpipe.archive.layout.ErrorDocument;
import io.sensorpipe.archive.layout.GzipLines;
import io.sensorpipe.archive.layout.RecordTriage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardBatchTest {
    private static final Instant T0 = Instant.parse("2026-11-25T13:59:58Z");

    private static ShardBatch batch(long sizeLimit, Duration interval) {
        return new ShardBatch("shardId-000000000000", ArchiveLayout.defaults(), new RecordTriage(), sizeLimit, interval, "arn:test");
    }

    private static byte[] reading(int i) {
        return ("{\"v\":1,\"sensorId\":\"s-" + i + "\",\"type\":\"t\",\"ts\":" + (1764072000000L + i) + ",\"value\":" + i + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Adds records seq 100.. with KPL-style sub-sequence numbers (4 user records per aggregated record). */
    private static void fill(ShardBatch b, int from, int to, long now) {
        for (int i = from; i < to; i++) {
            b.add(String.valueOf(100 + i / 4), i % 4, T0.plusMillis(i), reading(i), now);
        }
    }

    @Test
    void redeliveryFromTheSameCheckpointOverwritesTheSameKeyEvenIfTheBatchEndsElsewhere() {
        ShardBatch first = batch(1 << 20, Duration.ofSeconds(60));
        fill(first, 0, 10, 0);
        ShardBatch.Sealed original = first.seal();
        // After a crash before the checkpoint, KCL re-delivers from the same record; the interval cut differs.
        ShardBatch again = batch(1 << 20, Duration.ofSeconds(60));
        fill(again, 0, 6, 5_000);
        ShardBatch.Sealed redelivered = again.seal();
        assertThat(redelivered.data().key()).isEqualTo(original.data().key());
        assertThat(redelivered.lastSequence()).isEqualTo("101");
        assertThat(redelivered.lastSubSequence()).isEqualTo(1);
    }

    @Test
    void nextBatchStartsANewKeyAndKeyTimeIsTheOldestArrival() {
        ShardBatch b = batch(1 << 20, Duration.ofSeconds(60));
        fill(b, 0, 3, 0);
        ShardBatch.Sealed one = b.seal();
        fill(b, 3, 6, 0);
        ShardBatch.Sealed two = b.seal();
        assertThat(two.data().key()).isNotEqualTo(one.data().key());
        assertThat(one.data().key()).startsWith("raw/year=2026/month=11/day=25/hour=13/sensorpipe-archive-1-2026-11-25-13-59-58-");
        assertThat(one.data().metadata()).containsEntry("first-sequence", "100/0").containsEntry("last-sequence", "100/2");
    }

    @Test
    void flushesWhenTheSizeHintIsReached() {
        ShardBatch b = batch(1024, Duration.ofSeconds(900));
        int n = 0;
        while (!b.shouldFlush(0)) {
            fill(b, n, n + 1, 0);
            n++;
        }
        assertThat(n).isBetween(5, 30);
        assertThat(b.seal().data().records()).isEqualTo(n);
    }

    @Test
    void flushesWhenTheOldestRecordReachesTheInterval() {
        ShardBatch b = batch(1 << 20, Duration.ofSeconds(60));
        assertThat(b.shouldFlush(0)).as("empty batch never flushes").isFalse();
        fill(b, 0, 1, 1_000);
        assertThat(b.shouldFlush(60_999)).isFalse();
        assertThat(b.shouldFlush(61_000)).isTrue();
    }

    @Test
    void malformedRecordsGoToAnErrorObjectInFirehoseErrorFormat() throws IOException {
        ShardBatch b = batch(1 << 20, Duration.ofSeconds(60));
        fill(b, 0, 2, 0);
        byte[] bad = "{\"v\":1,\"type\":\"t\",\"ts\":1,\"value\":1}".getBytes(StandardCharsets.UTF_8);
        b.add("102", 0, T0.plusSeconds(5), bad, 7_000);
        ShardBatch.Sealed sealed = b.seal();
        assertThat(sealed.records()).isEqualTo(3);
        assertThat(sealed.data().records()).isEqualTo(2);
        assertThat(sealed.errors().key()).startsWith("errors/processing-failed/year=2026/month=11/day=25/hour=14/")
                .isNotEqualTo(sealed.data().key());
        List<String> lines = GzipLines.lines(new ByteArrayInputStream(sealed.errors().body()));
        assertThat(lines).hasSize(1);
        ErrorDocument doc = ErrorDocument.fromLine(lines.get(0));
        assertThat(doc.rawBytes()).isEqualTo(bad);
        assertThat(doc.errorCode()).isEqualTo(ErrorDocument.PROCESSING_FAILED_STATUS);
        assertThat(doc.errorMessage()).contains("'sensorId'");
        assertThat(doc.arrivalTimestamp()).isEqualTo(T0.plusSeconds(5).toEpochMilli());
    }

    private static List<ErrorDocument> errorDocuments(ShardBatch.Sealed sealed) throws IOException {
        return GzipLines.lines(new ByteArrayInputStream(sealed.errors().body())).stream()
                .map(ErrorDocument::fromLine).toList();
    }

    @Test
    void twoIdenticalBadRecordsInOneAggregateGetErrorLinesThatDifferByPosition() throws IOException {
        ShardBatch b = batch(1 << 20, Duration.ofSeconds(60));
        byte[] empty = new byte[0];
        // one KPL aggregate: same sequence number and arrival time, handled in the same millisecond
        b.add("200", 0, T0, empty, 7_000);
        b.add("200", 1, T0, empty, 7_000);
        List<String> lines = GzipLines.lines(new ByteArrayInputStream(b.seal().errors().body()));
        assertThat(lines).hasSize(2).doesNotHaveDuplicates();
        ErrorDocument first = ErrorDocument.fromLine(lines.get(0));
        ErrorDocument second = ErrorDocument.fromLine(lines.get(1));
        assertThat(List.of(first.shardId(), first.sequenceNumber(), first.subSequenceNumber()))
                .containsExactly("shardId-000000000000", "200", 0L);
        assertThat(List.of(second.shardId(), second.sequenceNumber(), second.subSequenceNumber()))
                .containsExactly("shardId-000000000000", "200", 1L);
    }

    @Test
    void redeliveredBadRecordGetsTheSamePositionInItsErrorLine() throws IOException {
        byte[] bad = "{not json".getBytes(StandardCharsets.UTF_8);
        ShardBatch first = batch(1 << 20, Duration.ofSeconds(60));
        fill(first, 0, 2, 0);
        first.add("150", 3, T0.plusSeconds(1), bad, 1_000);
        ErrorDocument original = errorDocuments(first.seal()).get(0);
        // re-delivered after a crash before the checkpoint, later, and cut into a batch of its own
        ShardBatch again = batch(1 << 20, Duration.ofSeconds(60));
        again.add("150", 3, T0.plusSeconds(1), bad, 9_000);
        ErrorDocument redelivered = errorDocuments(again.seal()).get(0);
        assertThat(redelivered.attemptEndingTimestamp()).isNotEqualTo(original.attemptEndingTimestamp());
        assertThat(List.of(redelivered.shardId(), redelivered.sequenceNumber(), redelivered.subSequenceNumber()))
                .isEqualTo(List.of(original.shardId(), original.sequenceNumber(), original.subSequenceNumber()));
    }

    @Test
    void batchOfOnlyMalformedRecordsWritesNoDataObject() {
        ShardBatch b = batch(1 << 20, Duration.ofSeconds(60));
        b.add("1", 0, T0, "nope".getBytes(StandardCharsets.UTF_8), 0);
        ShardBatch.Sealed sealed = b.seal();
        assertThat(sealed.data()).isNull();
        assertThat(sealed.errors().records()).isEqualTo(1);
        assertThat(b.isEmpty()).isTrue();
    }
}
