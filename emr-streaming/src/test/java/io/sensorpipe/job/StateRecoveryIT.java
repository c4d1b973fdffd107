package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.kinesis.KinesisSourceProvider;
import io.sensorpipe.metrics.JobMetricsPublisher;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.WindowResult;
import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.sink.DeadLetterWriter;
import io.sensorpipe.sink.DynamoDbResultSink;
import io.sensorpipe.sink.WindowResultSink;
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
    void restartWithAnotherWarmUpKeepsEveryTrainedModel() throws Exception {
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
                // progress is reported after the commit: a stop before it would have the restart re-run the batch
                // from the state before it, with no model of the old settings to reset
                StreamingJobIT.await(() -> java.util.Arrays.stream(q1.recentProgress())
                        .mapToLong(p -> p.numInputRows()).sum() >= SENSORS * 40L, q1, "the batch's commit");
            } finally {
                SensorStreamingJob.stop(spark, q1, first);
            }
            assertThat(first.snapshot()).containsEntry("modelResets", 0L);

            // same checkpoint, another --warmup-windows: it is for new sensors; the trained models are kept (a
            // change of the detector itself, a release's, resets them: SensorStateFunctionTest)
            produce(cloud, t0, 40, 80, 1_000);
            JobConfig changed = config(cloud, cp, windowMs, 5_000, 7);
            String newVersion = ScorerConfig.defaults().toBuilder().warmupWindows(7).build().modelVersion();
            JobMetricsPublisher second = new JobMetricsPublisher(tmp.resolve("m2.json"), null, null, cloud.stream);
            StreamingQuery q2 = SensorStreamingJob.kinesisToDynamoDb(changed, cloud.aws).start(spark, second);
            try {
                StreamingJobIT.await(() -> cloud.windows().stream().filter(w -> w.modelVersion().equals(newVersion))
                        .count() >= SENSORS * 3, q2, "windows scored under the new settings");
                Thread.sleep(3_000); // a few more batches, and their counts in the metrics
            } finally {
                SensorStreamingJob.stop(spark, q2, second);
            }
            assertThat(q2.exception().isEmpty()).isTrue();
            assertThat(second.snapshot()).as("no model reset").containsEntry("modelResets", 0L);
            assertThat(java.nio.file.Files.readString(tmp.resolve("m2.json"))).contains("\"modelResets\":0");
        }
    }

    @Test
    void restartWithAnotherWindowSizeCountsEveryReadingOnceAndNoneLate() throws Exception {
        restartWithAnotherWindowSize(false);
    }

    @Test
    void aWindowChangeAfterACrashFinishesTheUnfinishedBatchWithItsOwnWindowsFirst() throws Exception {
        // A crash between the sink's writes and Spark's commit: the first run's batch writes its windows, then its task
        // dies, so Spark never commits it. Re-run with 15 s windows it would write 0..15 over 0..10 and 15..30 beside 10..20 and
        // 20..30: the readings of 10..30 counted twice (what this test's twin once showed, stopped in that gap).
        restartWithAnotherWindowSize(true);
    }

    private void restartWithAnotherWindowSize(boolean crashBeforeCommit) throws Exception {
        long windowMs = 10_000;
        long widerMs = 15_000;
        long t0 = (System.currentTimeMillis() - 10 * 60_000) / 30_000 * 30_000; // a boundary of both sizes
        try (LocalCloudFixture cloud = new LocalCloudFixture(1)) {
            Path cp = tmp.resolve("cp");
            produce(cloud, t0, 0, 40, 1_000); // 10 s windows 0..3; the last still open when the job stops
            JobConfig before = config(cloud, cp, windowMs, 5_000, 4);
            SparkSession spark = SensorStreamingJob.session(before);
            JobMetricsPublisher first = new JobMetricsPublisher(null, null, null, cloud.stream);
            CrashAfterWrites.crashed.set(false);
            SensorStreamingJob firstJob = crashBeforeCommit
                    ? new SensorStreamingJob(before, s -> SensorStreamingJob.kinesisSource(s, before),
                            new CrashAfterWrites(cloud.table), DeadLetterWriter.toDirectory(tmp.resolve("dl"), "it"))
                    : SensorStreamingJob.kinesisToDynamoDb(before, cloud.aws);
            StreamingQuery q1 = firstJob.start(spark, first);
            try {
                if (crashBeforeCommit) {
                    // the batch that closes the first windows writes them, then its task dies: the query fails
                    // with that batch planned and not committed, as after a kill -9 of the driver at that moment
                    try {
                        q1.awaitTermination(180_000);
                    } catch (org.apache.spark.sql.streaming.StreamingQueryException expected) {
                        assertThat(expected).hasStackTraceContaining("a crash after the batch's writes");
                    }
                    assertThat(q1.exception().isDefined()).as("the crashed run ended").isTrue();
                    assertThat(cloud.windows()).as("windows the crashed batch wrote").isNotEmpty();
                } else {
                    StreamingJobIT.await(() -> cloud.windows().size() >= SENSORS * 3, q1, "windows before the restart");
                }
            } finally {
                SensorStreamingJob.stop(spark, q1, first);
            }
            // same checkpoint, 15 s windows; 40 s more, then a reading far ahead moves event time past them all
            produce(cloud, t0, 40, 80, 1_000);
            produce(cloud, t0, 200, 201, 1_000);
            JobMetricsPublisher second = new JobMetricsPublisher(null, null, null, cloud.stream);
            StreamingQuery q2 = SensorStreamingJob.kinesisToDynamoDb(config(cloud, cp, widerMs, 5_000, 4), cloud.aws)
                    .start(spark, second);
            try {
                try {
                    StreamingJobIT.await(() -> readingsBefore(cloud.windows(), t0 + 80_000) == SENSORS * 80L, q2,
                            "every reading of the 80 s in a window");
                } catch (AssertionError timedOut) {
                    // seen once in a full run (12 windows written where passing runs write 15, the stop having come
                    // between the first run's writes and its commit; see the crash variant): say which are there
                    throw new AssertionError(timedOut.getMessage() + "; windows (sensor, start - t0, end - t0, count,"
                            + " unscored): " + cloud.windows().stream().sorted(java.util.Comparator.comparing(
                                    WindowResult::sensorId).thenComparingLong(WindowResult::windowStart))
                            .map(w -> w.sensorId() + " " + (w.windowStart() - t0) + ".." + (w.windowEnd() - t0) + " "
                                    + w.count() + (w.unscoredReason() == null ? "" : " unscored"))
                            .toList() + "; last progress: " + q2.lastProgress(), timedOut);
                }
                Thread.sleep(2_000); // a few more batches: nothing written twice or late
            } finally {
                SensorStreamingJob.stop(spark, q2, second);
            }
            List<WindowResult> windows = cloud.windows();
            assertThat(readingsBefore(windows, t0 + 80_000)).as("each reading counted once").isEqualTo(SENSORS * 80L);
            assertThat(second.snapshot()).containsEntry("late", 0L).containsEntry("stateResets", 0L)
                    .containsEntry("modelResets", (long) SENSORS);
            for (int s = 0; s < SENSORS; s++) {
                String id = "it/model-" + s;
                List<WindowResult> mine = windows.stream().filter(w -> w.sensorId().equals(id))
                        .sorted(java.util.Comparator.comparingLong(WindowResult::windowStart)).toList();
                assertThat(mine).as(id + ": the open 10 s window and the 5 s one up to the first 15 s boundary")
                        .filteredOn(w -> w.unscoredReason() != null && w.unscoredReason().contains("window size"))
                        .extracting(WindowResult::windowStart, WindowResult::windowEnd)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(t0 + 30_000, t0 + 40_000),
                                org.assertj.core.groups.Tuple.tuple(t0 + 40_000, t0 + 45_000));
                for (int i = 1; i < mine.size(); i++) {
                    assertThat(mine.get(i).windowStart()).as(id + ": windows do not overlap")
                            .isGreaterThanOrEqualTo(mine.get(i - 1).windowEnd());
                }
                assertThat(mine).filteredOn(w -> w.windowStart() >= t0 + 45_000 && w.windowStart() < t0 + 80_000)
                        .as(id + ": then 15 s windows").extracting(w -> w.windowEnd() - w.windowStart())
                        .containsOnly(widerMs).hasSize(3);
            }
        }
    }

    /** Readings counted in windows that start before {@code ts}. */
    private static long readingsBefore(List<WindowResult> windows, long ts) {
        return windows.stream().filter(w -> w.windowStart() < ts).mapToLong(WindowResult::count).sum();
    }

    @Test
    void whenAllProducersStopTheLastWindowsAreWrittenWithinWatermarkPlusTwoTriggers() throws Exception {
        long windowMs = 5_000;
        long watermarkMs = 30_000; // a sensor counts as live while the job sees readings within watermark + window
        long triggerMs = 10_000; // longer than a batch takes on the loaded 2-core machine
        try (LocalCloudFixture cloud = new LocalCloudFixture(1)) {
            // the session first: on a cold, loaded JVM it takes ~20 s, and readings the job reads later than
            // watermark + window after their event time count as a replay, which the clock never closes
            JobConfig base = config(cloud, tmp.resolve("cp"), windowMs, watermarkMs, 4);
            JobConfig config = new JobConfig(base.stream(), base.table(), base.checkpoint(), base.deadLetterBucket(),
                    base.deadLetterPrefix(), base.deadLetterDir(), base.windowSize(), base.watermarkDelay(),
                    Duration.ofMillis(triggerMs), base.idleTimeout(), base.source(), base.initialPosition(),
                    base.atTimestampMillis(), base.maxRecordsPerShard(), base.shufflePartitions(), base.ttlDays(),
                    base.warmupWindows(), base.metricsFile(), base.cloudWatchNamespace(), base.duration(),
                    base.master(), base.createResources(), base.maxFutureSkew());
            SparkSession spark = SensorStreamingJob.session(config);
            // live readings (event time = now) for a few seconds, then every producer stops; the job starts after
            // them, so its first batch reads them all and no later reading can close their windows
            long lastTs = 0;
            long until = System.currentTimeMillis() + 4_000;
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
            JobMetricsPublisher metrics = new JobMetricsPublisher(null, null, null, cloud.stream);
            StreamingQuery q = SensorStreamingJob.kinesisToDynamoDb(config, cloud.aws).start(spark, metrics);
            long last = lastTs;
            long lastStart = lastTs / windowMs * windowMs;
            try {
                StreamingJobIT.await(() -> cloud.windows().stream().filter(w -> w.windowStart() == lastStart)
                        .count() == SENSORS, q, "the last window of every sensor");
                // when the job got the last readings: the start of the batch that read them
                long readAt = java.util.Arrays.stream(q.recentProgress()).filter(p -> p.numInputRows() > 0)
                        .mapToLong(p -> java.time.Instant.parse(p.timestamp()).toEpochMilli()).max().orElseThrow();
                for (WindowResult w : cloud.windows()) {
                    if (w.windowStart() == lastStart) {
                        // no reading arrived after them: the clock closed the window (processedAt = start of the
                        // closing batch) within watermark + two triggers of when event time passed its end
                        assertThat(w.processedAt()).as(w.sensorId()).isLessThanOrEqualTo(
                                readAt + (w.windowEnd() - last) + watermarkMs + 2 * triggerMs);
                        assertThat(w.count()).isPositive();
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

    /** The results table's sink, whose first write of windows is followed by the task's death (once per test). */
    static final class CrashAfterWrites implements WindowResultSink {
        static final java.util.concurrent.atomic.AtomicBoolean crashed = new java.util.concurrent.atomic.AtomicBoolean();
        private final DynamoDbResultSink table;

        CrashAfterWrites(String table) {
            this.table = new DynamoDbResultSink(JobAwsClients::sharedDynamo, table, Duration.ofDays(30));
        }

        @Override
        public void write(List<WindowResult> results) {
            table.write(results);
            if (!results.isEmpty() && crashed.compareAndSet(false, true)) {
                throw new IllegalStateException("a crash after the batch's writes, before its commit (the test's)");
            }
        }
    }

    private static JobConfig config(LocalCloudFixture cloud, Path cp, long windowMs, long watermarkMs, int warmup) {
        return new JobConfig(cloud.stream, cloud.table, cp.toString(), cloud.bucket, "dead-letters/", null,
                Duration.ofMillis(windowMs), Duration.ofMillis(watermarkMs), Duration.ofSeconds(1),
                Duration.ofHours(1), KinesisSourceProvider.SHORT_NAME, "TRIM_HORIZON", 0, 10_000, 2, 30, warmup,
                null, null, Duration.ZERO, "local[2]", true, JobConfig.DEFAULT_MAX_FUTURE_SKEW);
    }
}
