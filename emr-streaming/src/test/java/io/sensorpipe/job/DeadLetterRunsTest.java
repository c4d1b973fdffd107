package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorpipe.kinesis.KinesisSourceProvider;
import io.sensorpipe.metrics.JobMetricsPublisher;
import io.sensorpipe.processing.LocalSpark;
import io.sensorpipe.processing.QueryProgress;
import io.sensorpipe.processing.RawRecord;
import io.sensorpipe.sink.DeadLetterWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.MemoryStream;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

/** Dead letters of one checkpoint location across the job's runs: each run's letters stay where it wrote them. */
class DeadLetterRunsTest {
    private final SparkSession spark = LocalSpark.get();
    private final Path root = LocalSpark.checkpointRoot("dead-letter-runs-test");

    @Test
    void aJobStartedOnAnEmptiedCheckpointKeepsTheEarlierRunsDeadLetters() throws Exception {
        Path checkpoint = root.resolve("cp");
        Path letters = root.resolve("dl");
        run(checkpoint, letters, "{\"first run\"");
        // emptied, as SCALING.md says to change --shuffle-partitions: batch ids start at 0 again
        deleteTree(checkpoint);
        run(checkpoint, letters, "{\"second run\"");

        ObjectMapper json = new ObjectMapper();
        List<String> records = new java.util.ArrayList<>();
        for (String line : linesUnder(letters)) {
            records.add(new String(Base64.getDecoder().decode(json.readTree(line).path("data").asText()),
                    StandardCharsets.UTF_8));
        }
        assertThat(records).as("both runs' batch 0 letters").containsExactlyInAnyOrder("{\"first run\"",
                "{\"second run\"");
    }

    /** One run of the job on {@code checkpoint}: one record that is not JSON, dead-lettered, then a stop. */
    private void run(Path checkpoint, Path letters, String... garbage) throws Exception {
        MemoryStream<RawRecord> input = MemoryStream.apply(Encoders.bean(RawRecord.class), spark.sqlContext());
        JobConfig config = new JobConfig("test-stream", "unused-table", checkpoint.toString(), null, "dead-letters/", letters,
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofHours(1),
                KinesisSourceProvider.SHORT_NAME, "TRIM_HORIZON", 0, 10_000, 2, 30, 8, null, null, Duration.ZERO,
                "local[2]", false, JobConfig.DEFAULT_MAX_FUTURE_SKEW);
        SensorStreamingJob job = new SensorStreamingJob(config, s -> input.toDF(), results -> { },
                DeadLetterWriter.toDirectory(letters, "job"));
        JobMetricsPublisher metrics = new JobMetricsPublisher(null, null, null, "test-stream");
        StreamingQuery query = job.start(spark, metrics);
        try {
            List<RawRecord> bad = new java.util.ArrayList<>();
            for (String g : garbage) {
                bad.add(new RawRecord(g.getBytes(StandardCharsets.UTF_8), "test-stream", "shardId-0",
                        Integer.toString(bad.size() + 1), 0));
            }
            QueryProgress.awaitProcessed(query, input.addData(JavaConverters.asScalaBuffer(bad).toSeq()), 60_000);
        } finally {
            SensorStreamingJob.stop(spark, query, metrics);
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".jsonl")).toList();
        }
    }

    private static List<String> linesUnder(Path dir) throws IOException {
        List<String> lines = new java.util.ArrayList<>();
        for (Path f : files(dir)) {
            lines.addAll(Files.readAllLines(f));
        }
        return lines;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
