package io.sensorpipe.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The DynamoDB item contract and the idempotent dead-letter layout. */
class WindowResultItemTest {
    private static final long START = 1_764_072_000_000L;

    private static WindowResult result(boolean anomaly, Double expected) {
        return new WindowResult("site-a/pump-7/temperature", START, START + 60_000, 3, 1.0, 5.0, 3.0, 2.0,
                START + 1, START + 59_000, anomaly ? 0.9 : 0.1, anomaly ? 0.8 : 0.0, anomaly, expected, "m1",
                START + 61_000, "temperature", "site-a", "C");
    }

    @Test
    void attributesAreNamedAsTheResultItemContract() {
        Map<String, AttributeValue> item = DynamoDbWindowWriter.SCHEMA.itemToMap(
                WindowResultItem.from(result(true, 2.5), 86_400), true);
        assertThat(item.keySet()).containsExactlyInAnyOrder(ResultItem.SENSOR_ID, ResultItem.WINDOW_START,
                ResultItem.WINDOW_END, ResultItem.COUNT, ResultItem.MIN, ResultItem.MAX, ResultItem.MEAN,
                ResultItem.VARIANCE, ResultItem.FIRST_TS, ResultItem.LAST_TS, ResultItem.ANOMALY_SCORE,
                ResultItem.ANOMALY_GRADE, ResultItem.ANOMALY, ResultItem.EXPECTED, ResultItem.MODEL_VERSION,
                ResultItem.PROCESSED_AT, ResultItem.TYPE, ResultItem.SITE, ResultItem.UNIT, ResultItem.TTL,
                ResultItem.ANOMALY_DAY);
        assertThat(item.get(ResultItem.ANOMALY).bool()).isTrue();
        assertThat(item.get(ResultItem.ANOMALY_DAY).s()).isEqualTo(ResultItem.anomalyDay(START));
        // processed a second after the window ended: the TTL counts from the write
        assertThat(item.get(ResultItem.TTL).n()).isEqualTo(Long.toString((START + 61_000) / 1000 + 86_400));
    }

    @Test
    void normalWindowsStayOutOfTheSparseAnomalyIndex() {
        Map<String, AttributeValue> item = DynamoDbWindowWriter.SCHEMA.itemToMap(
                WindowResultItem.from(result(false, null), 86_400), true);
        assertThat(item).doesNotContainKeys(ResultItem.ANOMALY_DAY, ResultItem.EXPECTED);
        assertThat(DynamoDbWindowWriter.SCHEMA.tableMetadata().indexPartitionKey(ResultItem.ANOMALIES_GSI))
                .isEqualTo(ResultItem.ANOMALY_DAY);
    }

    @Test
    void sameResultGivesTheSameItem() {
        assertThat(DynamoDbWindowWriter.SCHEMA.itemToMap(WindowResultItem.from(result(true, 1.0), 10), true))
                .isEqualTo(DynamoDbWindowWriter.SCHEMA.itemToMap(WindowResultItem.from(result(true, 1.0), 10), true));
    }

    @Test
    void aRerunBatchOverwritesItsOwnDeadLetterFile(@TempDir Path dir) throws Exception {
        DeadLetterWriter writer = DeadLetterWriter.toDirectory(dir, "job1");
        DeadLetter letter = new DeadLetter("MALFORMED_JSON", "not valid JSON", "e2Jyb2tlbg==", "s", "shardId-0",
                "495", 0, null, null, "2026-11-25T12:00:00Z");
        String first = write(writer, 7, 3, letter, letter);
        String again = write(writer, 7, 3, letter);
        assertThat(again).isEqualTo(first);
        assertThat(first).endsWith("job1-batch-000000000007-part-00003.jsonl")
                .contains("day=2025-11-25");
        List<String> lines = Files.readAllLines(Path.of(first));
        assertThat(lines).as("the re-run replaced the first run's object").hasSize(1);
        assertThat(lines.get(0)).contains("\"reason\":\"MALFORMED_JSON\"").contains("\"shardId\":\"shardId-0\"");
        assertThat(write(writer, 8, 0)).isNull();
        try (DeadLetterSink.Part dropped = writer.open(9, START, 0)) {
            dropped.add(letter); // never committed (the task failed): nothing becomes visible
        }
        assertThat(dir.resolve(writer.keyFor(9, START, 0))).doesNotExist();
    }

    private static String write(DeadLetterWriter writer, long batch, int partition, DeadLetter... letters) {
        try (DeadLetterSink.Part part = writer.open(batch, START, partition)) {
            for (DeadLetter l : letters) {
                part.add(l);
            }
            return part.commit();
        }
    }

    @Test
    void reprocessedOldWindowExpiresTtlDaysAfterItIsWrittenNotAfterTheWindow() {
        long processedAt = START + 90L * 86_400_000; // reprocessing the window 90 days later, TTL 30 days
        WindowResult old = new WindowResult("s", START, START + 60_000, 1, 1.0, 1.0, 1.0, 0.0, START, START, 0.0,
                0.0, false, null, "m1", processedAt, "t", "", "");
        WindowResultItem item = WindowResultItem.from(old, 30L * 86_400);
        assertThat(item.getTtl()).isEqualTo(processedAt / 1000 + 30L * 86_400);
        assertThat(item.getTtl() * 1000).isGreaterThan(processedAt);
    }
}
