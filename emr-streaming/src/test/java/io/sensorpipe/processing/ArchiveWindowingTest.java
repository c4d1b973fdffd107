package io.sensorpipe.processing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.Reading;
import io.sensorpipe.score.ScorerConfig;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.MemoryStream;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/** Reprocessing the GZIP JSON-lines archive gives the windows and scores the streaming pipeline gives. */
class ArchiveWindowingTest {
    private static final long T0 = 1_764_072_000_000L;
    private static final ScorerConfig SCORER = ScorerConfig.builder().warmupWindows(2).numberOfTrees(10)
            .sampleSize(32).shingleSize(2).build();

    @TempDir
    Path tmp;

    @Test
    void archiveReprocessingGivesTheSameWindowsAsTheStream() throws Exception {
        SparkSession spark = LocalSpark.get();
        List<byte[]> readings = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            for (int s = 0; s < 2; s++) {
                readings.add(Reading.of("a/s" + s, "temperature", "a", T0 + i * 1_000L, s * 5 + (i % 9), "C").toJsonBytes());
            }
        }
        Path hour = tmp.resolve("raw/year=2025/month=11/day=25/hour=12");
        Files.createDirectories(hour);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(hour.resolve("part-1.gz")))) {
            for (byte[] r : readings) {
                out.write(r);
                out.write('\n');
            }
            out.write(readings.get(7)); // the archive keeps the stream's duplicates too
            out.write('\n');
            out.write("{oops\n".getBytes(StandardCharsets.UTF_8));
        }

        Dataset<Row> raw = spark.read().text(tmp.resolve("raw").toString() + "/*/*/*/*/*.gz")
                .select(functions.col("value").cast("binary").as("data"), functions.lit("archive").as("streamName"));
        List<JobOutput> batch = ArchiveWindowing.build(raw, Duration.ofSeconds(10), SCORER, 1L).collectAsList();

        MemoryStream<RawRecord> input = MemoryStream.apply(Encoders.bean(RawRecord.class), spark.sqlContext());
        String table = "stream_" + System.nanoTime();
        StreamingQuery q = WindowingPipeline.build(input.toDF(), Duration.ofSeconds(10), Duration.ofSeconds(5), SCORER,
                        Duration.ofHours(1), Duration.ofDays(100_000), Duration.ofDays(100_000))
                .writeStream().format("memory").queryName(table).outputMode("append")
                .trigger(org.apache.spark.sql.streaming.Trigger.ProcessingTime(200))
                .option("checkpointLocation", LocalSpark.checkpointRoot("archive-windowing-test").toString()).start();
        List<RawRecord> records = new ArrayList<>();
        readings.forEach(r -> records.add(new RawRecord(r, "s", "shardId-0", "1", 0)));
        QueryProgress.awaitProcessed(q, input.addData(JavaConverters.asScalaBuffer(records).toSeq()), 60_000);
        input.addData(JavaConverters.asScalaBuffer(List.of(new RawRecord(
                Reading.of("flush", "t", "", T0 + 600_000, 0, "").toJsonBytes(), "s", "shardId-0", "2", 0))).toSeq());
        List<String> streamed = List.of();
        for (int i = 0; i < 100 && streamed.size() < 12; i++) {
            streamed = describe(spark.table(table).as(JobOutput.encoder()).collectAsList());
            Thread.sleep(200);
        }
        q.stop();

        assertThat(describe(batch)).hasSize(12).containsExactlyInAnyOrderElementsOf(streamed);
        assertThat(batch).filteredOn(o -> o.getKind().equals(JobOutput.DEAD)).singleElement()
                .satisfies(o -> assertThat(o.getReason()).isEqualTo("MALFORMED_JSON"));
        Reading repeated = io.sensorpipe.schema.ReadingCodec.MAPPER.readValue(readings.get(7), Reading.class);
        assertThat(batch).filteredOn(o -> o.getKind().equals(JobOutput.DUPLICATE)).singleElement()
                .satisfies(o -> assertThat(io.sensorpipe.schema.ReadingCodec.MAPPER.readValue(o.getData(),
                        Reading.class)).isEqualTo(repeated))
                .satisfies(o -> assertThat(o.getMessage()).as("the stream's message")
                        .isEqualTo(JobOutput.duplicateMessage(repeated.sensorId(), repeated.ts())));
    }

    @Test
    void theArchivesOrderDoesNotChangeTheWindowsOrWhichCopyIsTheDuplicate() throws Exception {
        SparkSession spark = LocalSpark.get();
        List<byte[]> inOrder = new ArrayList<>();
        for (int i = 0; i < 400; i++) { // 40 windows of 10 s, a gap in the middle
            if (i < 150 || i > 230) {
                inOrder.add(Reading.of("a/s0", "temperature", "a", T0 + i * 1_000L, Math.sin(i / 7.0) * 10, "C")
                        .toJsonBytes());
            }
        }
        byte[] repeatedLater = Reading.of("a/s0", "temperature", "a", T0 + 42_000L, 99, "C").toJsonBytes();
        List<byte[]> archived = new ArrayList<>(inOrder);
        archived.add(repeatedLater);
        List<byte[]> shuffled = new ArrayList<>(archived);
        java.util.Collections.shuffle(shuffled, new java.util.Random(7));
        // the repeat stays after its first copy in arrival order, as a producer retry would be
        shuffled.remove(repeatedLater);
        int first = shuffled.indexOf(inOrder.get(42));
        shuffled.add(first + 1 + new java.util.Random(3).nextInt(shuffled.size() - first), repeatedLater);

        List<JobOutput> sorted = windows(spark, "sorted", archived);
        List<JobOutput> mixed = windows(spark, "mixed", shuffled);
        assertThat(describe(mixed)).hasSize(32).containsExactlyElementsOf(describe(sorted));
        assertThat(mixed).filteredOn(o -> o.getKind().equals(JobOutput.DUPLICATE)).singleElement()
                .satisfies(o -> assertThat(o.getData()).isEqualTo(repeatedLater));
    }

    private List<JobOutput> windows(SparkSession spark, String name, List<byte[]> lines) throws Exception {
        Path dir = tmp.resolve(name).resolve("raw/year=2025/month=11/day=25/hour=12");
        Files.createDirectories(dir);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("part-1.gz")))) {
            for (byte[] r : lines) {
                out.write(r);
                out.write('\n');
            }
        }
        Dataset<Row> raw = spark.read().text(tmp.resolve(name).resolve("raw").toString() + "/*/*/*/*/*.gz")
                .select(functions.col("value").cast("binary").as("data"), functions.lit("archive").as("streamName"));
        return ArchiveWindowing.build(raw, Duration.ofSeconds(10), SCORER, 1L).collectAsList().stream()
                .sorted(java.util.Comparator.comparing(JobOutput::getKind).thenComparingLong(JobOutput::getWindowStart))
                .toList();
    }

    /** Windows without processedAt (the only field allowed to differ). */
    private static List<String> describe(List<JobOutput> out) {
        return out.stream().filter(o -> o.getKind().equals(JobOutput.WINDOW))
                .map(o -> o.getSensorId() + "@" + o.getWindowStart() + " n=" + o.getCount() + " min=" + o.getMin()
                        + " max=" + o.getMax() + " mean=" + o.getMean() + " var=" + o.getVariance() + " score="
                        + o.getAnomalyScore() + " grade=" + o.getAnomalyGrade() + " anomaly=" + o.isAnomaly()
                        + " expected=" + o.getExpected() + " type=" + o.getType())
                .toList();
    }
}
