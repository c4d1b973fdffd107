package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sensorpipe.kinesis.KinesisSourceProvider;
import io.sensorpipe.metrics.JobMetricsPublisher;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.aws.ResultItemValues;
import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job end to end against the local cloud (kinesis-mock + moto): readings with known values for several
 * sensors, plain and KPL-aggregated, with poison records and late readings mixed in.
 */
class StreamingJobIT {
    private static final long WINDOW_MS = 10_000;
    private static final String SENTINEL = "it/sentinel";

    @TempDir
    Path tmp;

    /** Expected aggregates per sensor + window start, built while producing. */
    private final Map<String, List<Double>> expected = new HashMap<>();
    private final long t0 = (System.currentTimeMillis() - 10 * 60_000) / WINDOW_MS * WINDOW_MS;
    private long produced;

    @Test
    void everyWindowIsExactAndEveryRecordIsWindowedLateOrDeadLettered() throws Exception {
        try (LocalCloudFixture cloud = new LocalCloudFixture(2)) {
            JobConfig config = config(cloud, tmp.resolve("cp"));
            // 6 sensors x 30 readings over 3 windows; sensor 5's readings travel in KPL-aggregated records
            List<byte[]> plain = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            List<byte[]> aggregatedUsers = new ArrayList<>();
            List<String> aggregatedKeys = new ArrayList<>();
            for (int s = 0; s < 6; s++) {
                for (int i = 0; i < 30; i++) {
                    byte[] r = reading("it/sensor-" + s, t0 + i * 1_000L, s * 10 + (i % 7) * 0.5);
                    if (s == 5) {
                        aggregatedUsers.add(r);
                        aggregatedKeys.add("it/sensor-" + s);
                    } else {
                        plain.add(r);
                        keys.add("it/sensor-" + s);
                    }
                }
            }
            // readings DynamoDB cannot store as they are ("Number underflow" below 1E-130): windowed, stored as 0
            plain.add(reading("it/tiny", t0 + 1_000, 1e-200));
            plain.add(reading("it/tiny", t0 + 2_000, 3e-200));
            keys.addAll(List.of("it/tiny", "it/tiny"));
            List<String> poison = List.of("{broken", "{\"v\":1,\"sensorId\":\"x\",\"type\":\"t\",\"ts\":1}",
                    "[1,2,3]", "{\"v\":1,\"sensorId\":\"x\",\"type\":\"t\",\"ts\":" + t0 + ",\"value\":\"NaN?\"}",
                    // half a surrogate pair: Spark's strings would have renamed the sensor "it/sensor-0?"
                    "{\"v\":1,\"sensorId\":\"it/sensor-0\\ud800\",\"type\":\"t\",\"ts\":" + t0 + ",\"value\":1}");
            for (String p : poison) {
                plain.add(p.getBytes(StandardCharsets.UTF_8));
                keys.add("poison");
            }
            // at-least-once: a producer retry of a record Kinesis stored puts it in the stream twice
            plain.add(plain.get(3).clone());
            keys.add(keys.get(3));
            cloud.put(plain, keys);
            // the second aggregate names a partition key outside its table (the KCL's de-aggregation lost its
            // readings and then failed every re-read); the third is corrupt (its checksum does not match)
            byte[] corrupt = LocalCloudFixture.kplAggregate(aggregatedUsers.subList(0, 2), aggregatedKeys.subList(0, 2));
            corrupt[corrupt.length - 1] ^= 1;
            cloud.put(List.of(LocalCloudFixture.kplAggregate(aggregatedUsers.subList(0, 15), aggregatedKeys.subList(0, 15)),
                            LocalCloudFixture.kplAggregate(aggregatedUsers.subList(15, 30), aggregatedKeys.subList(15, 30),
                                    agg -> agg.setRecords(3, agg.getRecords(3).toBuilder().setPartitionKeyIndex(9))),
                            corrupt),
                    List.of("it/sensor-5", "it/sensor-5", "it/sensor-5"));
            produced += poison.size() + 1;
            sentinel(cloud, t0 + 60_000); // advances the watermark past every window above

            SparkSession spark = SensorStreamingJob.session(config);
            JobMetricsPublisher metrics = new JobMetricsPublisher(tmp.resolve("metrics.json"), null, null, cloud.stream);
            StreamingQuery query = SensorStreamingJob.kinesisToDynamoDb(config, cloud.aws).start(spark, metrics);
            try {
                await(() -> cloud.windows().size() >= 19, query, "19 windows in DynamoDB");
                // now late readings: their windows closed already
                cloud.put(List.of(reading("it/sensor-0", t0 + 500, 999.0), reading("it/sensor-1", t0 + 11_000, 999.0)),
                        List.of("it/sensor-0", "it/sensor-1"));
                produced += 2;
                await(() -> deadLetters(cloud).size() >= poison.size() + 1 + 2 + 1, query,
                        "poison + corrupt aggregate + late + duplicate dead letters");
            } finally {
                SensorStreamingJob.stop(spark, query, metrics);
            }

            assertWindowsExact(cloud.items());
            List<Map<String, Object>> dead = deadLetters(cloud);
            assertThat(dead.stream().filter(d -> "LATE".equals(d.get("reason"))).map(d -> d.get("eventTs")))
                    .containsExactlyInAnyOrder(t0 + 500, t0 + 11_000);
            assertThat(dead.stream().filter(d -> "DUPLICATE".equals(d.get("reason"))).map(d -> d.get("eventTs")))
                    .containsExactly(t0 + 3_000);
            assertThat(dead.stream().filter(d -> String.valueOf(d.get("message")).contains("KPL aggregated record"))
                    .map(d -> java.util.Base64.getDecoder().decode((String) d.get("data"))))
                    .as("the corrupt aggregate, dead-lettered whole, naming the KPL").containsExactly(corrupt);
            assertThat(dead.stream().filter(d -> !"LATE".equals(d.get("reason")) && !"DUPLICATE".equals(d.get("reason"))
                            && !String.valueOf(d.get("message")).contains("KPL aggregated record"))
                    .map(d -> new String(
                    java.util.Base64.getDecoder().decode((String) d.get("data")), StandardCharsets.UTF_8)))
                    .containsExactlyInAnyOrderElementsOf(poison);
            assertThat(dead).allSatisfy(d -> assertThat(d.get("sequenceNumber")).isNotNull());
            long windowed = cloud.windows().stream().mapToLong(WindowResult::count).sum();
            assertThat(windowed + dead.size() - 1).as("produced = windowed + late + dead-lettered (duplicate apart)")
                    .isEqualTo(produced);

            Map<?, ?> counters = io.sensorpipe.schema.ReadingCodec.MAPPER.readValue(
                    tmp.resolve("metrics.json").toFile(), Map.class);
            assertThat(((Number) counters.get("late")).longValue()).isEqualTo(2);
            assertThat(((Number) counters.get("deadLettered")).longValue()).isEqualTo(poison.size() + 1);
            assertThat(((Number) counters.get("duplicates")).longValue()).isEqualTo(1);
            assertThat(((Number) counters.get("readingsWindowed")).longValue()).isEqualTo(windowed);
        }
    }

    private static List<Map<String, Object>> deadLetters(LocalCloudFixture cloud) {
        try {
            return cloud.deadLetters();
        } catch (Exception e) {
            return List.of();
        }
    }

    private void assertWindowsExact(List<Map<String, AttributeValue>> items) {
        Map<String, WindowResult> byKey = new HashMap<>();
        Map<String, Map<String, AttributeValue>> itemByKey = new HashMap<>();
        for (Map<String, AttributeValue> i : items) {
            WindowResult w = ResultItemValues.fromItem(i);
            assertThat(byKey.put(w.sensorId() + "@" + w.windowStart(), w)).as("duplicate item").isNull();
            itemByKey.put(w.sensorId() + "@" + w.windowStart(), i);
        }
        assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((key, values) -> {
            WindowResult item = byKey.get(key);
            assertThat(item.count()).as(key + " count").isEqualTo(values.size());
            assertThat(item.min()).as(key + " min")
                    .isEqualTo(ResultItem.storable(values.stream().mapToDouble(d -> d).min().orElseThrow()));
            assertThat(item.max()).as(key + " max")
                    .isEqualTo(ResultItem.storable(values.stream().mapToDouble(d -> d).max().orElseThrow()));
            assertThat(item.mean()).as(key + " mean")
                    .isCloseTo(values.stream().mapToDouble(d -> d).average().orElseThrow(), within(1e-9));
            Map<String, AttributeValue> raw = itemByKey.get(key);
            assertThat(Long.parseLong(raw.get(ResultItem.TTL).n())).isEqualTo(Math.max(item.windowEnd(),
                    item.processedAt()) / 1000 + 30 * 86_400L);
            assertThat(raw.containsKey(ResultItem.ANOMALY_DAY)).isEqualTo(item.anomaly());
        });
    }

    private byte[] reading(String sensor, long ts, double value) {
        if (value != 999.0) { // 999 marks the late readings, which must not be windowed
            expected.computeIfAbsent(sensor + "@" + (ts / WINDOW_MS * WINDOW_MS), k -> new ArrayList<>()).add(value);
            produced++;
        }
        return Reading.of(sensor, "temperature", "it-site", ts, value, "C").toJsonBytes();
    }

    /** A reading far enough ahead to close every window before it; its own window stays open (not counted). */
    private static void sentinel(LocalCloudFixture cloud, long ts) throws InterruptedException {
        cloud.put(List.of(Reading.of(SENTINEL, "temperature", "it-site", ts, 0, "C").toJsonBytes()), List.of(SENTINEL));
    }

    static JobConfig config(LocalCloudFixture cloud, Path checkpoint) {
        return new JobConfig(cloud.stream, cloud.table, checkpoint.toString(), cloud.bucket, "dead-letters/", null,
                Duration.ofMillis(WINDOW_MS), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(1),
                KinesisSourceProvider.SHORT_NAME, "TRIM_HORIZON", 0, 10_000, 2, 30, 4, null, null, Duration.ZERO,
                "local[2]", true, JobConfig.DEFAULT_MAX_FUTURE_SKEW);
    }

    /** Waits for a condition; generous, since a loaded 2-core machine can take minutes (a wait, not a timing claim). */
    static void await(BooleanSupplier condition, StreamingQuery query, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            if (query.exception().isDefined()) {
                throw new AssertionError("query failed while waiting for " + what, query.exception().get());
            }
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
