package io.sensorpipe.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorpipe.contract.DeadLetterFields;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dead-letter layout: one object per (batch, partition), overwritten by a re-run, nothing before commit. */
class DeadLetterWriterTest {
    private static final long START = 1_764_072_000_000L;

    @Test
    void aRerunBatchOverwritesItsOwnDeadLetterFile(@TempDir Path dir) throws Exception {
        DeadLetterWriter writer = DeadLetterWriter.toDirectory(dir, "job1");
        DeadLetter letter = new DeadLetter("MALFORMED_JSON", "not valid JSON", "e2Jyb2tlbg==", "s", "shardId-0",
                "495", 0, "site-1/s-1", null, "2026-11-25T12:00:00Z");
        String first = write(writer, 7, 3, letter, letter);
        String again = write(writer, 7, 3, letter);
        assertThat(again).isEqualTo(first);
        assertThat(first).endsWith("job1-batch-000000000007-part-00003.jsonl")
                .contains("day=2025-11-25");
        List<String> lines = Files.readAllLines(Path.of(first));
        assertThat(lines).as("the re-run replaced the first run's object").hasSize(1);
        // the fields the pipeline's summary counts by (DeadLetterFields), in the line as written
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertThat(line.path(DeadLetterFields.REASON).asText()).isEqualTo("MALFORMED_JSON");
        assertThat(line.path(DeadLetterFields.SHARD_ID).asText()).isEqualTo("shardId-0");
        assertThat(line.path(DeadLetterFields.SEQUENCE_NUMBER).asText()).isEqualTo("495");
        assertThat(line.path(DeadLetterFields.SUB_SEQUENCE_NUMBER).isIntegralNumber()).isTrue();
        assertThat(line.path(DeadLetterFields.SENSOR_ID).asText()).isEqualTo("site-1/s-1");
        assertThat(write(writer, 8, 0)).isNull();
        try (DeadLetterSink.Part dropped = writer.open(9, START, 0)) {
            dropped.add(letter); // never committed (the task failed): nothing becomes visible
        }
        assertThat(dir.resolve(writer.keyFor(9, START, 0))).doesNotExist();
    }

    @Test
    void aQuerysKeysAreTheSameAtEveryRestartAndAnotherQuerysAreNot(@TempDir Path dir) {
        DeadLetterWriter writer = DeadLetterWriter.toDirectory(dir, "job1");
        String id = "8c1f0a7e-55d2-4b0e-9a51-3f0c2d7a9b11"; // Spark's query id, kept in the checkpoint
        assertThat(writer.forQuery(id).keyFor(7, START, 3)).as("a re-run batch overwrites its own object")
                .isEqualTo(writer.forQuery(id).keyFor(7, START, 3))
                .endsWith("job1-8c1f0a7e-batch-000000000007-part-00003.jsonl");
        assertThat(writer.forQuery("0b9d4c2a-1111-4222-8333-944455556666").keyFor(7, START, 3))
                .as("a new checkpoint's batch 7").isNotEqualTo(writer.forQuery(id).keyFor(7, START, 3));
    }

    private static String write(DeadLetterWriter writer, long batch, int partition, DeadLetter... letters) {
        try (DeadLetterSink.Part part = writer.open(batch, START, partition)) {
            for (DeadLetter l : letters) {
                part.add(l);
            }
            return part.commit();
        }
    }
}
