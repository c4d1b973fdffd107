package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.contract.JobControl;
import io.sensorpipe.kinesis.KinesisSourceProvider;
import io.sensorpipe.metrics.JobMetricsPublisher;
import io.sensorpipe.schema.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop requested while the job catches up (each micro-batch takes longer than the trigger, so the next starts at
 * once) still ends between two batches: the last planned batch is the last committed one, so a restart re-runs
 * nothing and a changed --watermark applies from a clean point. Spark offers no pause; the job's Kinesis source stops
 * planning new reads once the stop is asked for, so the query falls idle and is stopped there.
 */
class GracefulStopIT {
    @TempDir
    Path tmp;

    @Test
    void aStopAskedForWhileBatchesRunBackToBackEndsWithTheLastPlannedBatchCommitted() throws Exception {
        try (LocalCloudFixture cloud = new LocalCloudFixture(2)) {
            long t0 = System.currentTimeMillis() - 600_000;
            List<byte[]> records = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                records.add(Reading.of("stop/s-" + i % 4, "temperature", "it", t0 + i * 1_000L, i % 9, "C")
                        .toJsonBytes());
                keys.add("stop/s-" + i % 4);
            }
            cloud.put(records, keys);
            Path checkpoint = tmp.resolve("cp");
            // 20 records a shard per batch and a 10 ms trigger: a backlog read in back-to-back batches
            JobConfig config = new JobConfig(cloud.stream, cloud.table, checkpoint.toString(), cloud.bucket,
                    "dead-letters/", null, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(10),
                    Duration.ofHours(1), KinesisSourceProvider.SHORT_NAME, "TRIM_HORIZON", 0, 20, 2, 30, 4, null, null,
                    Duration.ZERO, "local[2]", true, JobConfig.DEFAULT_MAX_FUTURE_SKEW);
            SparkSession spark = SensorStreamingJob.session(config);
            JobMetricsPublisher metrics = new JobMetricsPublisher(tmp.resolve("metrics.json"), null, null, cloud.stream);
            StreamingQuery query = SensorStreamingJob.kinesisToDynamoDb(config, cloud.aws).start(spark, metrics);
            long atMarker;
            try (StopMarkerWatcher watcher = StopMarkerWatcher.start(spark, query, config.checkpoint(),
                    Duration.ofMillis(100), true, System.currentTimeMillis())) {
                StreamingJobIT.await(() -> query.lastProgress() != null && query.lastProgress().batchId() >= 3, query,
                        "three batches");
                atMarker = query.lastProgress().batchId();
                Files.writeString(Path.of(JobControl.stopMarkerFor(config.checkpoint())), "stop");
                assertThat(query.awaitTermination(120_000)).as("stopped by its marker").isTrue();
            } finally {
                SensorStreamingJob.stop(spark, query, metrics);
            }
            assertThat(query.exception().isEmpty()).as("a graceful stop, not a failure").isTrue();
            long planned = newestBatch(checkpoint.resolve("offsets")).orElseThrow();
            long committed = newestBatch(checkpoint.resolve("commits")).orElseThrow();
            // a batch planned after the last commit (stopped while it ran) read nothing: its source offset is the
            // committed batch's, so a restart re-runs no reading
            for (long b = committed + 1; b <= planned; b++) {
                assertThat(sourceOffset(checkpoint, b)).as("batch " + b + " reads nothing")
                        .isEqualTo(sourceOffset(checkpoint, committed));
            }
            // the batch running when the marker was written, one more planned before the watcher's poll saw it, one
            // that reads nothing, and one being stopped, with a spare for a loaded machine; before the source stopped
            // planning, the same run saw 20, 70 and 84 batches after it, and once no stop within 120 s
            assertThat(planned - atMarker).as("batches after the request").isLessThanOrEqualTo(5);
        }
    }

    /** The Kinesis source's offset of a planned batch (the offset log's last line: one source). */
    private static String sourceOffset(Path checkpoint, long batch) throws Exception {
        List<String> lines = Files.readAllLines(checkpoint.resolve("offsets").resolve(Long.toString(batch)));
        return lines.get(lines.size() - 1);
    }

    /** The newest batch id in a checkpoint log directory (files named by batch id). */
    private static OptionalLong newestBatch(Path log) throws Exception {
        try (Stream<Path> files = Files.list(log)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
                    .mapToLong(Long::parseLong).max();
        }
    }
}
