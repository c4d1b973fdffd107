package io.sensorpipe.processing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.Reading;
import io.sensorpipe.score.ScorerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.MemoryStream;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

/** The stateful step on Spark's MemoryStream: windows, watermark, late readings, timeouts of silent sensors. */
class WindowingPipelineTest {
    private static final long T0 = 1_764_072_000_000L; // aligned to 10 s windows
    private static final ScorerConfig SCORER = ScorerConfig.builder().warmupWindows(2).numberOfTrees(10)
            .sampleSize(32).shingleSize(2).build();

    private final Path tmp = LocalSpark.checkpointRoot("windowing-pipeline-test");

    private final SparkSession spark = LocalSpark.get();
    private final AtomicLong seq = new AtomicLong();
    private MemoryStream<RawRecord> input;
    private StreamingQuery query;
    private String table;

    @BeforeEach
    void start() throws TimeoutException {
        start(Duration.ofMinutes(10));
    }

    private void start(Duration idleTimeout) throws TimeoutException {
        start(idleTimeout, Duration.ofDays(100_000));
    }

    private void start(Duration idleTimeout, Duration maxFuture) throws TimeoutException {
        if (query != null) {
            query.stop();
        }
        input = MemoryStream.apply(Encoders.bean(RawRecord.class), spark.sqlContext());
        table = "out_" + System.nanoTime();
        query = WindowingPipeline.build(input.toDF(), Duration.ofSeconds(10), Duration.ofSeconds(5), SCORER,
                        idleTimeout, Duration.ofDays(100_000), maxFuture)
                .writeStream().format("memory").queryName(table).outputMode("append")
                .trigger(org.apache.spark.sql.streaming.Trigger.ProcessingTime(200))
                .option("checkpointLocation", tmp.resolve("cp-" + table).toString())
                .start();
    }

    @AfterEach
    void stop() throws TimeoutException {
        query.stop();
    }

    @Test
    void stateOfSensorsSilentLongerThanTheIdleTimeoutIsRemoved() throws Exception {
        start(Duration.ofSeconds(20));
        send(reading("quiet", T0 + 1_000, 1.0), reading("busy", T0 + 1_000, 1.0));
        send(reading("busy", T0 + 15_000, 1.0)); // closes both first windows; both sensors keep state
        awaitOutputs(o -> o.stream().filter(r -> r.getKind().equals(JobOutput.WINDOW)).count() >= 2);
        assertThat(stateRows()).as(() -> "" + query.lastProgress()).isEqualTo(2);
        send(reading("busy", T0 + 60_000, 1.0)); // watermark T0+55s: 'quiet' silent for 54 s > 20 s
        long deadline = System.currentTimeMillis() + 30_000;
        while (stateRows() != 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertThat(stateRows()).as("only the busy sensor keeps state").isEqualTo(1);
    }

    private long stateRows() {
        var progress = query.lastProgress();
        return progress == null ? -1 : progress.stateOperators()[0].numRowsTotal();
    }

    @Test
    void closedWindowsCarryExactAggregatesOfTheirReadings() throws Exception {
        send(reading("s1", T0 + 1_000, 1.0), reading("s1", T0 + 2_000, 3.0), reading("s1", T0 + 9_999, 8.0),
                reading("s2", T0 + 5_000, -4.0), reading("s1", T0 + 10_000, 100.0));
        send(reading("s1", T0 + 30_000, 0.0)); // watermark → T0+25s: windows [T0, T0+10s) and [T0+10s, T0+20s) close
        List<JobOutput> out = awaitOutputs(o -> o.stream().filter(r -> r.getKind().equals(JobOutput.WINDOW)).count() >= 3);

        JobOutput s1 = window(out, "s1", T0);
        assertThat(s1.getCount()).isEqualTo(3);
        assertThat(s1.getMin()).isEqualTo(1.0);
        assertThat(s1.getMax()).isEqualTo(8.0);
        assertThat(s1.getMean()).isEqualTo(4.0);
        assertThat(s1.getWindowEnd()).isEqualTo(T0 + 10_000);
        assertThat(s1.getFirstTs()).isEqualTo(T0 + 1_000);
        assertThat(s1.getLastTs()).isEqualTo(T0 + 9_999);
        assertThat(s1.getModelVersion()).isEqualTo(SCORER.modelVersion());
        assertThat(window(out, "s1", T0 + 10_000).getCount()).isEqualTo(1);
        // s2 got no reading after T0+5s: its window closes on its event-time timer
        JobOutput s2 = window(out, "s2", T0);
        assertThat(s2.getCount()).isEqualTo(1);
        assertThat(s2.getMean()).isEqualTo(-4.0);
        assertThat(out).noneMatch(o -> o.getKind().equals(JobOutput.WINDOW) && o.getWindowStart() == T0 + 30_000);
    }

    @Test
    void readingsForClosedWindowsAreDeadLetteredAsLate() throws Exception {
        send(reading("s1", T0 + 1_000, 1.0));
        send(reading("s1", T0 + 40_000, 2.0)); // watermark → T0+35s
        awaitOutputs(o -> o.stream().anyMatch(r -> r.getKind().equals(JobOutput.WINDOW)));
        send(reading("s1", T0 + 3_000, 5.0), reading("s1", T0 + 36_000, 6.0)); // first is late, second is not
        List<JobOutput> out = awaitOutputs(o -> o.stream().anyMatch(r -> r.getKind().equals(JobOutput.LATE)));

        List<JobOutput> late = out.stream().filter(o -> o.getKind().equals(JobOutput.LATE)).toList();
        assertThat(late).hasSize(1);
        assertThat(late.get(0).getEventTs()).isEqualTo(T0 + 3_000);
        assertThat(late.get(0).getReason()).isEqualTo("LATE");
        assertThat(new String(late.get(0).getData(), StandardCharsets.UTF_8)).contains("\"ts\":" + (T0 + 3_000));
        assertThat(window(out, "s1", T0).getCount()).isEqualTo(1);
    }

    @Test
    void recordsThatDoNotParseAreDeadLetteredWithTheirReason() throws Exception {
        send("{not json".getBytes(StandardCharsets.UTF_8),
                "{\"v\":1,\"sensorId\":\"s9\",\"type\":\"t\",\"ts\":1,\"value\":\"high\"}".getBytes(StandardCharsets.UTF_8),
                reading("s1", T0, 1.0));
        List<JobOutput> out = awaitOutputs(o -> o.size() >= 2);

        assertThat(out).extracting(JobOutput::getKind).containsOnly(JobOutput.DEAD);
        assertThat(out).extracting(JobOutput::getReason).containsExactlyInAnyOrder("MALFORMED_JSON", "WRONG_TYPE");
        assertThat(out).allSatisfy(o -> assertThat(o.getSequenceNumber()).isNotNull());
        assertThat(out).anySatisfy(o -> assertThat(o.getMessage()).contains("'value'"));
    }

    @Test
    void repeatedReadingIsWindowedOnceAndDeadLetteredAsDuplicate() throws Exception {
        send(reading("s1", T0 + 1_000, 1.0), reading("s1", T0 + 1_000, 1.0), reading("s1", T0 + 2_000, 3.0));
        send(reading("s1", T0 + 1_000, 1.0)); // a producer retry arriving in a later batch
        send(reading("s1", T0 + 30_000, 0.0)); // watermark → T0+25s closes [T0, T0+10s)
        List<JobOutput> out = awaitOutputs(o -> o.stream().anyMatch(r -> r.getKind().equals(JobOutput.WINDOW)));

        JobOutput w = window(out, "s1", T0);
        assertThat(w.getCount()).isEqualTo(2);
        assertThat(w.getMean()).isEqualTo(2.0);
        List<JobOutput> duplicates = out.stream().filter(o -> o.getKind().equals(JobOutput.DUPLICATE)).toList();
        assertThat(duplicates).hasSize(2).allSatisfy(d -> {
            assertThat(d.getReason()).isEqualTo("DUPLICATE");
            assertThat(d.getEventTs()).isEqualTo(T0 + 1_000);
            assertThat(d.getMessage()).isEqualTo("a reading of s1 at " + (T0 + 1_000) + " is already in its window (one "
                    + "reading per sensor and millisecond: a repeat, taken for a producer retry, is not windowed even if "
                    + "its value differs)");
        });
        assertThat(out).noneMatch(o -> o.getKind().equals(JobOutput.LATE) || o.getKind().equals(JobOutput.DEAD));
    }

    @Test
    void readingFarAheadOfTheClockIsDeadLetteredAndDoesNotMakeOthersLate() throws Exception {
        start(Duration.ofMinutes(10), Duration.ofSeconds(60));
        long base = System.currentTimeMillis() / 10_000 * 10_000 - 60_000; // a window start a minute ago
        send(reading("s1", base + 1_000, 1.0),
                reading("clock-ahead", System.currentTimeMillis() + Duration.ofMinutes(59).toMillis(), 9.0));
        send(reading("s1", base + 2_000, 3.0)); // late, had the reading 59 min ahead moved the watermark
        send(reading("s1", base + 20_000, 0.0)); // watermark → base+15s closes [base, base+10s)
        List<JobOutput> out = awaitOutputs(o -> o.stream().anyMatch(r -> r.getKind().equals(JobOutput.WINDOW)));

        assertThat(window(out, "s1", base).getCount()).isEqualTo(2);
        assertThat(out).noneMatch(o -> o.getKind().equals(JobOutput.LATE));
        List<JobOutput> dead = out.stream().filter(o -> o.getKind().equals(JobOutput.DEAD)).toList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getReason()).isEqualTo("TIMESTAMP_OUT_OF_RANGE");
    }

    @Test
    void aReadingAheadOfItsArrivalIsRefusedWhileCatchingUpAsItWasLiveAndDoesNotMakeTheBacklogLate() throws Exception {
        start(Duration.ofMinutes(10), Duration.ofSeconds(60));
        // a backlog stored two hours ago, read now: its sensor an hour ahead was refused when it was live
        long base = (System.currentTimeMillis() - Duration.ofHours(2).toMillis()) / 10_000 * 10_000;
        sendArrived(raw(reading("s1", base + 1_000, 1.0), base + 1_500),
                raw(reading("clock-ahead", base + 1_000 + Duration.ofHours(1).toMillis(), 9.0), base + 1_500));
        sendArrived(raw(reading("s1", base + 2_000, 3.0), base + 2_500));
        sendArrived(raw(reading("s1", base + 20_000, 0.0), base + 20_500));
        List<JobOutput> out = awaitOutputs(o -> o.stream().anyMatch(r -> r.getKind().equals(JobOutput.WINDOW)));

        assertThat(window(out, "s1", base).getCount()).isEqualTo(2);
        assertThat(out).noneMatch(o -> o.getKind().equals(JobOutput.LATE));
        assertThat(out).filteredOn(o -> o.getKind().equals(JobOutput.DEAD)).singleElement()
                .satisfies(d -> assertThat(d.getReason()).isEqualTo("TIMESTAMP_OUT_OF_RANGE"));
    }

    private JobOutput window(List<JobOutput> out, String sensor, long start) {
        return out.stream().filter(o -> o.getKind().equals(JobOutput.WINDOW) && o.getSensorId().equals(sensor)
                && o.getWindowStart() == start).findFirst().orElseThrow(
                        () -> new AssertionError("no window " + sensor + "@" + start + " in " + describe(out)));
    }

    private static String describe(List<JobOutput> out) {
        List<String> s = new ArrayList<>();
        out.forEach(o -> s.add(o.getKind() + ":" + o.getSensorId() + "@" + o.getWindowStart() + "#" + o.getCount()));
        return s.toString();
    }

    private static byte[] reading(String sensor, long ts, double value) {
        return Reading.of(sensor, "temperature", "site-a", ts, value, "C").toJsonBytes();
    }

    private RawRecord raw(byte[] data, long arrivalMillis) {
        return new RawRecord(data, "test-stream", "shardId-0", Long.toString(seq.incrementAndGet()), 0)
                .arrivedAt(arrivalMillis);
    }

    private void sendArrived(RawRecord... records) {
        QueryProgress.awaitProcessed(query, input.addData(JavaConverters.asScalaBuffer(List.of(records)).toSeq()),
                60_000);
    }

    private void send(byte[]... records) {
        List<RawRecord> batch = new ArrayList<>();
        for (byte[] r : records) {
            batch.add(new RawRecord(r, "test-stream", "shardId-0", Long.toString(seq.incrementAndGet()), 0));
        }
        QueryProgress.awaitProcessed(query, input.addData(JavaConverters.asScalaBuffer(batch).toSeq()), 60_000);
    }

    /** Output so far, once {@code ready} holds (batches that close windows by timer run asynchronously). */
    private List<JobOutput> awaitOutputs(Predicate<List<JobOutput>> ready) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        List<JobOutput> out;
        do {
            out = spark.table(table).as(JobOutput.encoder()).collectAsList();
            if (ready.test(out)) {
                return out;
            }
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("condition not met; output: " + describe(out));
    }

    static {
        try {
            Files.createDirectories(Path.of("target"));
        } catch (java.io.IOException ignored) {
            // only a convenience for Spark's local dirs
        }
    }
}
