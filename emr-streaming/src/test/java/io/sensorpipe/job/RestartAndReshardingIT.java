package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sensorpipe.metrics.JobMetricsPublisher;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.WindowResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.model.ScalingType;

/**
 * Stop/restart from the checkpoint and a reshard (2 → 4 shards) while the job runs: every window still has
 * exactly its readings, so no record was lost or read twice across the restart and across parent/child shards.
 */
class RestartAndReshardingIT {
    private static final long WINDOW_MS = 10_000;
    private static final int SENSORS = 4;

    @TempDir
    Path tmp;

    private final long t0 = (System.currentTimeMillis() - 10 * 60_000) / WINDOW_MS * WINDOW_MS;
    private final Map<String, List<Double>> expected = new HashMap<>();

    @Test
    void restartFromCheckpointAndReshardingDuringTheRunLoseNoWindowAndCountNoneTwice() throws Exception {
        try (LocalCloudFixture cloud = new LocalCloudFixture(2)) {
            JobConfig config = StreamingJobIT.config(cloud, tmp.resolve("cp"));
            SparkSession spark = SensorStreamingJob.session(config);

            int phase1 = produce(cloud, 0, 20);
            JobMetricsPublisher firstMetrics = metrics(cloud);
            StreamingQuery first = SensorStreamingJob.kinesisToDynamoDb(config, cloud.aws).start(spark, firstMetrics);
            try {
                StreamingJobIT.await(() -> read(first) >= phase1, first, "phase 1 read");
                cloud.kinesis.updateShardCount(b -> b.streamName(cloud.stream).targetShardCount(4)
                        .scalingType(ScalingType.UNIFORM_SCALING));
                cloud.awaitActive();
                int phase2 = produce(cloud, 20, 40); // lands in the child shards
                StreamingJobIT.await(() -> read(first) >= phase1 + phase2, first, "phase 2 read from child shards");
            } finally {
                SensorStreamingJob.stop(spark, first, firstMetrics);
            }

            produce(cloud, 40, 60);
            cloud.put(List.of(Reading.of("it/sentinel", "t", "", t0 + 120_000, 0, "").toJsonBytes()),
                    List.of("it/sentinel"));
            JobMetricsPublisher secondMetrics = metrics(cloud);
            StreamingQuery second = SensorStreamingJob.kinesisToDynamoDb(config, cloud.aws).start(spark, secondMetrics);
            try {
                StreamingJobIT.await(() -> cloud.windows().size() >= SENSORS * 6, second, "all windows after restart");
            } finally {
                SensorStreamingJob.stop(spark, second, secondMetrics);
            }
            long shards = cloud.kinesis.listShards(b -> b.streamName(cloud.stream)).shards().size();
            assertThat(shards).as("parents + children").isEqualTo(6);

            Map<String, WindowResult> byKey = new HashMap<>();
            cloud.windows().forEach(i -> assertThat(byKey.put(i.sensorId() + "@" + i.windowStart(), i)).isNull());
            assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            expected.forEach((k, values) -> {
                assertThat(byKey.get(k).count()).as(k).isEqualTo(values.size());
                assertThat(byKey.get(k).mean()).as(k)
                        .isCloseTo(values.stream().mapToDouble(d -> d).average().orElseThrow(), within(1e-9));
            });
        }
    }

    private JobMetricsPublisher metrics(LocalCloudFixture cloud) {
        return new JobMetricsPublisher(tmp.resolve("metrics.json"), null, null, cloud.stream);
    }

    private static long read(StreamingQuery q) {
        return Arrays.stream(q.recentProgress()).mapToLong(StreamingQueryProgress::numInputRows).sum();
    }

    /** One reading per second per sensor for seconds [from, to) after t0; returns how many. */
    private int produce(LocalCloudFixture cloud, int from, int to) throws InterruptedException {
        List<byte[]> records = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int sec = from; sec < to; sec++) {
            for (int s = 0; s < SENSORS; s++) {
                String sensor = "it/restart-" + s;
                long ts = t0 + sec * 1_000L;
                double value = s * 100 + sec;
                expected.computeIfAbsent(sensor + "@" + (ts / WINDOW_MS * WINDOW_MS), k -> new ArrayList<>()).add(value);
                records.add(Reading.of(sensor, "temperature", "it", ts, value, "C").toJsonBytes());
                keys.add(sensor);
            }
        }
        cloud.put(records, keys);
        return records.size();
    }
}
