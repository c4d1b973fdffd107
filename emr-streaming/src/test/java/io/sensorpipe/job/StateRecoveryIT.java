package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.kinesis.KinesisSourceProvider;
import io.sensorpipe.metrics.JobMetricsPublisher;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.WindowResult;
import io.sensorpipe.score.ScorerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State that must never stop the job, and windows that must not wait for more data, on the local cloud. */
class StateRecoveryIT {
    private static final int SENSORS = 3;

    @TempDir
    Path tmp;

    @Test
    void restartWithChangedScorerSettingsResetsEachModelOnceAndGoesOn() throws Exception {
        long windowMs = 10_000;
        long t0 = (System.currentTimeMillis() - 10 * 60_000) / windowMs * windowMs;
        try (LocalCloudFixture cloud = new LocalCloudFixture(1)) {
            Path cp = tmp.resolve("cp");
            produce(cloud, t0, 0, 40, 1_000); // windows 0..3
            SparkSession spark = SensorStreamingJob.session(config(cloud, cp, windowMs, 5_000, 4));
            JobMetricsPublisher first = new JobMetricsPublisher(tmp.resolve("m1.json"), null, null, cloud.stream);
            StreamingQuery q1 = SensorStreamingJob.kinesisToDynamoDb(config(cloud, cp, windowMs, 5_000, 4), cloud.aws)
                    .start(spark, first);
            try {
                StreamingJobIT.await(() -> cloud.windows().size() >= SENSORS * 3, q1, "windows before the restart");
            } finally {
                SensorStreamingJob.stop(spark, q1, first);
            }
            assertThat(first.snapshot()).containsEntry("modelResets", 0L);

            // same checkpoint, other scorer settings: every stored model is of another configuration now
            produce(cloud, t0, 40, 80, 1_000);
            JobConfig changed = config(cloud, cp, windowMs, 5_000, 7);
            String newVersion = ScorerConfig.defaults().toBuilder().warmupWindows(7).build().modelVersion();
            JobMetricsPublisher second = new JobMetricsPublisher(tmp.resolve("m2.json"), null, null, cloud.stream);
            StreamingQuery q2 = SensorStreamingJob.kinesisToDynamoDb(changed, cloud.aws).start(spark, second);
            try {
                StreamingJobIT.await(() -> cloud.windows().stream().filter(w -> w.modelVersion().equals(newVersion))
                        .count() >= SENSORS * 3, q2, "windows scored by the fresh models");
            } finally {
                SensorStreamingJob.stop(spark, q2, second);
            }
            assertThat(q2.exception().isEmpty()).isTrue();
            assertThat(second.snapshot()).as("one reset per sensor, then the new snapshots restore")
                    .containsEntry("modelResets", (long) SENSORS);
            assertThat(java.nio.file.Files.readString(tmp.resolve("m2.json"))).contains("\"modelResets\":" + SENSORS);
        }
    }

    @Test
    void whenAllProducersStopTheLastWindowsAreWrittenWithinWatermarkPlusTwoTriggers() throws Exception {
        long windowMs = 2_000;
        long watermarkMs = 2_000;
        // a trigger longer than a batch takes on a loaded 2-core machine, so "two triggers" is a meaningful bound
        long triggerMs = 10_000;
        try (LocalCloudFixture cloud = new LocalCloudFixture(1)) {
            JobConfig config = config(cloud, tmp.resolve("cp"), windowMs, watermarkMs, 4);
            config = new JobConfig(config.stream(), config.table(), config.checkpoint(), config.deadLetterBucket(),
                    config.deadLetterPrefix(), config.deadLetterDir(), config.windowSize(), config.watermarkDelay(),
                    Duration.ofMillis(triggerMs), config.idleTimeout(), config.source(), config.initialPosition(),
                    config.atTimestampMillis(), config.maxRecordsPerShard(), config.shufflePartitions(),
                    config.ttlDays(), config.warmupWindows(), config.metricsFile(), config.cloudWatchNamespace(),
                    config.duration(), config.master(), config.createResources(), config.maxFutureSkew());
            SparkSession spark = SensorStreamingJob.session(config);
            JobMetricsPublisher metrics = new JobMetricsPublisher(null, null, null, cloud.stream);
            StreamingQuery q = SensorStreamingJob.kinesisToDynamoDb(config, cloud.aws).start(spark, metrics);
            long lastTs = 0;
            try {
                // producers start once the job runs (its first batch plans codegen for many seconds)
                StreamingJobIT.await(() -> q.lastProgress() != null, q, "the job's first batch");
                long until = System.currentTimeMillis() + 12_000; // live readings (event time = now), then silence
                while (System.currentTimeMillis() < until) {
                    lastTs = System.currentTimeMillis();
                    List<byte[]> records = new ArrayList<>();
                    List<String> keys = new ArrayList<>();
                    for (int s = 0; s < SENSORS; s++) {
                        records.add(Reading.of("it/quiet-" + s, "t", "it", lastTs, s, "C").toJsonBytes());
                        keys.add("it/quiet-" + s);
                    }
                    cloud.put(records, keys);
                    Thread.sleep(250);
                }
                long lastStart = lastTs / windowMs * windowMs;
                StreamingJobIT.await(() -> cloud.windows().stream().filter(w -> w.windowStart() == lastStart)
                        .count() == SENSORS, q, "the last window of every sensor");
                for (WindowResult w : cloud.windows()) {
                    if (w.windowStart() == lastStart) {
                        // processedAt is the start of the batch that closed it: the job saw the last reading at
                        // most a trigger after it was made, then closed its window a watermark + a trigger later
                        assertThat(w.processedAt()).as(w.sensorId())
                                .isLessThanOrEqualTo(w.windowEnd() + watermarkMs + 2 * triggerMs);
                    }
                }
            } finally {
                SensorStreamingJob.stop(spark, q, metrics);
            }
        }
    }

    private static void produce(LocalCloudFixture cloud, long t0, int fromSec, int toSec, long stepMs)
            throws InterruptedException {
        List<byte[]> records = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int sec = fromSec; sec < toSec; sec++) {
            for (int s = 0; s < SENSORS; s++) {
                records.add(Reading.of("it/model-" + s, "t", "it", t0 + sec * stepMs, s * 10 + sec % 5, "C")
                        .toJsonBytes());
                keys.add("it/model-" + s);
            }
        }
        cloud.put(records, keys);
    }

    private static JobConfig config(LocalCloudFixture cloud, Path cp, long windowMs, long watermarkMs, int warmup) {
        return new JobConfig(cloud.stream, cloud.table, cp.toString(), cloud.bucket, "dead-letters/", null,
                Duration.ofMillis(windowMs), Duration.ofMillis(watermarkMs), Duration.ofSeconds(1),
                Duration.ofHours(1), KinesisSourceProvider.SHORT_NAME, "TRIM_HORIZON", 0, 10_000, 2, 30, warmup,
                null, null, Duration.ZERO, "local[2]", true, JobConfig.DEFAULT_MAX_FUTURE_SKEW);
    }
}
