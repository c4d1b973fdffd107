package io.sensorpipe.archive.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.archive.aws.ArchiveAwsClients;
import io.sensorpipe.archive.bridge.ArchiveBridge;
import io.sensorpipe.archive.bridge.BridgeConfig;
import io.sensorpipe.archive.bridge.BridgeReport;
import io.sensorpipe.contract.ArchiveLayout;
import io.sensorpipe.archive.layout.ErrorDocument;
import io.sensorpipe.archive.replay.ArchiveReader;
import io.sensorpipe.archive.replay.ReplayReport;
import io.sensorpipe.archive.replay.ReplayWriters;
import io.sensorpipe.archive.replay.Replayer;
import io.sensorpipe.archive.verify.ArchiveVerifier;
import io.sensorpipe.archive.verify.Expectation;
import io.sensorpipe.archive.verify.HourSensorCounts;
import io.sensorpipe.archive.verify.VerifyReport;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.ParseResult;
import io.sensorpipe.schema.ReadingCodec;
import io.sensorpipe.schema.ReadingParser;
import io.sensorpipe.testkit.TestCloud;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the local cloud: KPL-aggregated and plain records → bridge → S3 in Firehose's layout, then verify
 * and replay. One archive is built once (KCL's first lease takes up to 30 s) and the tests read it in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArchiveBridgeIT {
    private static final byte[] MALFORMED = "{\"v\":1,\"sensorId\":\"site-a/pump-1/temperature\",\"type\":\"temperature\",\"ts\":1,\"value\":\"hot\"}"
            .getBytes(StandardCharsets.UTF_8);

    private final TestCloud cloud = TestCloud.connect();
    private final ArchiveAwsClients clients = new ArchiveAwsClients();
    private String stream;
    private String bucket;
    private final List<Reading> produced = new ArrayList<>();
    private final ArchiveLayout layout = ArchiveLayout.defaults();
    private BridgeConfig config;
    private BridgeReport bridgeReport;
    private Instant hourA;

    @BeforeAll
    void archiveAStream() throws Exception {
        stream = cloud.createStream("archive-it", 2);
        bucket = cloud.createBucket("archive-it");

        // 300 readings of 6 sensors over two event-time hours: 200 in KPL aggregates of 5, 100 as plain records.
        hourA = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS);
        for (int i = 0; i < 300; i++) {
            String sensor = "site-a/pump-" + (i % 6) + "/temperature";
            produced.add(Reading.of(sensor, "temperature", "site-a", hourA.toEpochMilli() + i * 24_000L, 20 + i * 0.01, "C"));
        }
        for (int i = 0; i < 200; i += 5) {
            List<byte[]> group = produced.subList(i, i + 5).stream().map(Reading::toJsonBytes).collect(Collectors.toList());
            KinesisRecords.put(clients.kinesis(), stream, produced.get(i).sensorId(), KinesisRecords.kplAggregate(group, produced.get(i).sensorId()));
        }
        for (int i = 200; i < 300; i++) {
            KinesisRecords.put(clients.kinesis(), stream, produced.get(i).sensorId(), produced.get(i).toJsonBytes());
        }
        KinesisRecords.put(clients.kinesis(), stream, "bad", MALFORMED);

        config = BridgeConfig.defaults(stream, bucket).withBuffering(16 * 1024, Duration.ofSeconds(2));
        ArchiveBridge bridge = new ArchiveBridge(config, clients);
        bridge.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while ((bridge.counters().recordsArchived() < 300 || bridge.counters().recordsRejected() < 1)
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        bridgeReport = bridge.stop(Duration.ofSeconds(30));
    }

    @AfterAll
    void cleanUp() {
        if (config != null) {
            // the KCL's lease tables; the stream and buckets are the fixture's to delete
            for (String table : List.of(config.applicationName(), config.applicationName() + "-CoordinatorState",
                    config.applicationName() + "-WorkerMetricStats")) {
                clients.dynamoAsync().deleteTable(b -> b.tableName(table)).exceptionally(e -> null).join();
            }
        }
        cloud.close();
        clients.close();
    }

    @Test
    @Order(1)
    void everyStreamRecordIsArchivedExactlyOnceWithAggregatesUnpacked() {
        // Ground truth is the stream itself: a PutRecord the SDK retried after a timeout can be in it twice, and the
        // archive must then hold it twice too (verify reports it), but never more often than the stream.
        List<String> inStream = streamReadings();
        assertThat(new TreeSet<>(inStream)).as("every produced reading reached the stream").isEqualTo(canonical(produced));
        assertThat(archivedReadings()).isEqualTo(inStream);
        assertThat(bridgeReport.recordsArchived()).isEqualTo(inStream.size());
        assertThat(bridgeReport.recordsRejected()).isEqualTo(streamMalformed());

        HourSensorCounts expected = new HourSensorCounts();
        produced.forEach(expected::add);
        VerifyReport report = new ArchiveVerifier(new ArchiveReader(clients.s3(), bucket, layout)).verify(
                hourA, hourA.plus(2, ChronoUnit.HOURS), Duration.ofHours(3), Duration.ofHours(1),
                new Expectation.PerHourAndSensor("produced", expected));
        assertThat(report.gaps()).isEmpty();
        assertThat(report.surplus()).isEmpty();
        assertThat(report.archived()).isEqualTo(300);
        assertThat(report.duplicates()).isEqualTo(inStream.size() - 300L);
        assertThat(report.ok()).as("a reading the stream holds twice is counted, not a failure").isTrue();
    }

    @Test
    @Order(2)
    void objectsHaveFirehoseKeysInTheArrivalHourPartitionAndAreGzipNdjson() {
        Instant now = Instant.now();
        List<String> keys = new ArchiveReader(clients.s3(), bucket, layout).dataObjectKeys(now.minus(1, ChronoUnit.HOURS), now.plusSeconds(60));
        assertThat(keys).isNotEmpty().allSatisfy(k -> assertThat(k)
                .matches("raw/year=\\d{4}/month=\\d{2}/day=\\d{2}/hour=\\d{2}/sensorpipe-archive-1-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9a-f-]{36}\\.gz"));
        assertThat(keys.size()).as("16 KiB size hint splits 300 readings into several objects").isGreaterThan(1);
        List<String> lines = new ArrayList<>();
        new ArchiveReader(clients.s3(), bucket, layout).forEachLine(keys.get(0), lines::add);
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("{\"v\":1,").endsWith("}"));
    }

    @Test
    @Order(3)
    void malformedRecordLandsInTheProcessingFailedErrorPrefix() {
        Instant now = Instant.now();
        List<ErrorDocument> docs = new ArchiveVerifier(new ArchiveReader(clients.s3(), bucket, layout))
                .errorDocuments(now, now.plusSeconds(1), Duration.ofMinutes(5), Duration.ofHours(1));
        assertThat(docs).hasSize((int) streamMalformed()).allSatisfy(d -> {
            assertThat(d.rawBytes()).isEqualTo(MALFORMED);
            assertThat(d.errorMessage()).contains("'value'");
        });
    }

    @Test
    @Order(4)
    void replayOfAnHourReproducesExactlyThatHoursReadings(@TempDir Path dir) throws Exception {
        String target = cloud.createStream("archive-replay-it", 1);
        try {
            Instant from = hourA;
            Instant to = hourA.plus(1, ChronoUnit.HOURS);
            List<String> progress = new ArrayList<>();
            ReplayReport report = new Replayer(new ArchiveReader(clients.s3(), bucket, layout)).replay(from, to,
                    Duration.ofHours(3), Duration.ofHours(1),
                    // The producer's PutRecords writer: the KPL daemon's 6 s HTTP timeouts fail records when this shared
                    // 2-core box is overloaded; `scripts/archive replay` (default --writer kpl) was checked by hand.
                    ReplayWriters.sdk(target, dir.resolve("failures.jsonl"), clients.kinesis()),
                    progress::add);
            List<String> archivedInHour = archivedReadings().stream()
                    .filter(json -> parse(json.getBytes(StandardCharsets.UTF_8)).ts() < to.toEpochMilli())
                    .collect(Collectors.toList());
            assertThat(report.replayed()).isEqualTo(archivedInHour.size());
            assertThat(report.writer().acknowledged()).isEqualTo(archivedInHour.size());
            assertThat(progress).last().asString().contains(archivedInHour.size() + " readings written");
            List<Reading> firstHour = produced.stream().filter(r -> r.ts() < to.toEpochMilli()).collect(Collectors.toList());
            assertThat(firstHour).hasSize(150);
            assertThat(new TreeSet<>(readingsIn(target))).isEqualTo(canonical(firstHour));
        } finally {
            clients.kinesis().deleteStream(b -> b.streamName(target));
        }
    }

    @Test
    @Order(5)
    void restartedBridgeResumesAfterItsCheckpointAndFlushesItsBufferOnStop() throws Exception {
        List<Reading> more = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            more.add(Reading.of("site-b/fan-" + (i % 5) + "/rpm", "rpm", "site-b", hourA.toEpochMilli() + i * 1_000L, 900 + i, "rpm"));
        }
        for (Reading r : more) {
            KinesisRecords.put(clients.kinesis(), stream, r.sensorId(), r.toJsonBytes());
        }
        // Long interval and size hint: only the graceful stop flushes, which is what this run checks.
        ArchiveBridge again = new ArchiveBridge(config.withBuffering(5L * 1024 * 1024, Duration.ofSeconds(900)), clients);
        again.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (again.counters().recordsReceived() < 50 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        BridgeReport second = again.stop(Duration.ofSeconds(30));

        List<String> inStream = streamReadings();
        assertThat(second.recordsArchived()).as("only records after the first run's checkpoints")
                .isEqualTo(inStream.size() - bridgeReport.recordsArchived());
        assertThat(archivedReadings()).as("archive = stream, nothing twice").isEqualTo(inStream);
        assertThat(new TreeSet<>(inStream)).containsAll(canonical(more));
    }

    @Test
    @Order(6)
    void aDamagedObjectIsNamedAndTheRestOfTheRangeIsStillReplayed(@TempDir Path dir) throws Exception {
        String archive = cloud.createBucket("archive-damaged");
        String target = cloud.createStream("archive-damaged-replay", 1);
        try {
            Instant hour = Instant.parse("2025-03-04T05:00:00Z");
            List<Reading> good = new ArrayList<>();
            List<Reading> inDamaged = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                Reading r = Reading.of("site-d/pump-" + (i % 4) + "/pressure", "pressure", "site-d",
                        hour.toEpochMilli() + i * 1_000L, 1000 + Math.sin(i) * 1e-3 * i, "hPa");
                (i < 200 || i >= 300 ? good : inDamaged).add(r);
            }
            // three objects in arrival order: whole, cut short by half (an upload gone wrong), whole
            putObject(archive, hour.plusSeconds(60), io.sensorpipe.archive.layout.GzipLines.gzip(
                    lines(good.subList(0, 200))));
            byte[] whole = io.sensorpipe.archive.layout.GzipLines.gzip(lines(inDamaged));
            String damagedKey = putObject(archive, hour.plusSeconds(120),
                    java.util.Arrays.copyOf(whole, whole.length / 2));
            putObject(archive, hour.plusSeconds(180), io.sensorpipe.archive.layout.GzipLines.gzip(
                    lines(good.subList(200, 300))));

            List<String> progress = new ArrayList<>();
            ReplayReport report = new Replayer(new ArchiveReader(clients.s3(), archive, layout)).replay(hour,
                    hour.plus(1, ChronoUnit.HOURS), Duration.ofMinutes(5), Duration.ofMinutes(5),
                    ReplayWriters.sdk(target, dir.resolve("failures.jsonl"), clients.kinesis()), progress::add);

            assertThat(report.damaged()).singleElement().asString().contains(damagedKey);
            assertThat(progress).anySatisfy(line -> assertThat(line).contains(damagedKey, "not replayed"));
            assertThat(report.summaryLine()).contains("1 damaged objects");
            assertThat(report.objectsRead()).isEqualTo(3);
            // every reading of the whole objects, and of the damaged one only what came before the damage
            assertThat(report.replayed()).isBetween(300L, 399L);
            assertThat(new TreeSet<>(readingsIn(target))).containsAll(canonical(good));
        } finally {
            clients.kinesis().deleteStream(b -> b.streamName(target));
        }
    }

    private String putObject(String archive, Instant arrival, byte[] body) {
        String key = layout.dataObjectKey(arrival, java.util.UUID.nameUUIDFromBytes(body));
        clients.s3().putObject(b -> b.bucket(archive).key(key), software.amazon.awssdk.core.sync.RequestBody.fromBytes(body));
        return key;
    }

    private static List<byte[]> lines(List<Reading> readings) {
        List<byte[]> out = new ArrayList<>();
        for (Reading r : readings) {
            out.add((new String(r.toJsonBytes(), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    @Order(7)
    void readingsAFailedTransformationLeftInTheErrorPrefixAreRedrivenOnceIntoTheData() {
        String archive = cloud.createBucket("archive-redrive");
        Instant hour = Instant.parse("2025-05-06T07:00:00Z");
        long arrival = hour.plusSeconds(600).toEpochMilli();
        Reading a = Reading.of("site-r/pump-1/temperature", "temperature", "site-r", arrival - 5_000, 21.5, "C");
        Reading b = Reading.of("site-r/pump-2/temperature", "temperature", "site-r", arrival - 4_000, 22.5, "C");
        // what Firehose writes when the transformation's Lambda fails: every record of the batch, valid or not
        List<byte[]> docs = List.of(
                failed("Lambda.FunctionError", a.toJsonBytes(), arrival),
                failed("Lambda.FunctionError", b.toJsonBytes(), arrival + 1),
                failed("Lambda.FunctionError", MALFORMED, arrival + 2),
                failed(ErrorDocument.PROCESSING_FAILED_STATUS, MALFORMED, arrival + 3));
        String errorKey = layout.errorObjectKey(Instant.ofEpochMilli(arrival + 60_000), ArchiveLayout.PROCESSING_FAILED,
                java.util.UUID.nameUUIDFromBytes(MALFORMED));
        clients.s3().putObject(r -> r.bucket(archive).key(errorKey),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(io.sensorpipe.archive.layout.GzipLines.gzip(docs)));
        io.sensorpipe.archive.redrive.Redriver redriver =
                new io.sensorpipe.archive.redrive.Redriver(clients.s3(), archive, layout);
        Instant from = hour;
        Instant to = hour.plus(2, ChronoUnit.HOURS);

        assertThat(redriver.pending(from, to, from, to).readings()).as("stranded before").isEqualTo(2);
        assertThat(redriver.pending(from, to, to, to.plusSeconds(3_600)).readings())
                .as("none of another event-time range").isZero();
        List<String> progress = new ArrayList<>();
        var first = redriver.redrive(from, to, false, progress::add);
        assertThat(first.readings()).isEqualTo(2);
        assertThat(first.notReadings()).isEqualTo(1);
        assertThat(first.rejectedByTheTransform()).isEqualTo(1);
        assertThat(first.objectsWritten()).isEqualTo(1);
        assertThat(progress).singleElement().asString().contains(errorKey);

        ArchiveReader reader = new ArchiveReader(clients.s3(), archive, layout);
        List<String> data = new ArrayList<>();
        reader.dataObjectKeys(from, to).forEach(k -> reader.forEachLine(k, data::add));
        assertThat(data).containsExactlyInAnyOrder(ReadingCodec.toJson(a), ReadingCodec.toJson(b));

        var again = redriver.redrive(from, to, false, line -> { });
        assertThat(again.objectsWritten()).as("a second run writes nothing new").isZero();
        assertThat(again.alreadyRedriven()).isEqualTo(1);
        assertThat(redriver.pending(from, to, from, to).readings()).as("stranded after").isZero();
        var dryRun = redriver.redrive(from, to, true, line -> { });
        assertThat(dryRun.readings()).as("a dry run after it: nothing left to write").isZero();
        assertThat(dryRun.alreadyRedriven()).isEqualTo(1);
        assertThat(reader.dataObjectKeys(from, to)).hasSize(1);
    }

    private static byte[] failed(String code, byte[] raw, long arrival) {
        return new ErrorDocument(4, arrival, code, "the function failed", arrival + 30_000,
                java.util.Base64.getEncoder().encodeToString(raw),
                "arn:aws:lambda:us-east-1:000000000000:function:transform", null, null, null).toLine();
    }

    /** Valid readings in the archive's data objects, canonical JSON, sorted (a multiset). */
    private List<String> archivedReadings() {
        ArchiveReader reader = new ArchiveReader(clients.s3(), bucket, layout);
        List<String> out = new ArrayList<>();
        Instant now = Instant.now();
        for (String key : reader.dataObjectKeys(now.minus(3, ChronoUnit.HOURS), now.plus(1, ChronoUnit.HOURS))) {
            reader.forEachLine(key, line -> out.add(ReadingCodec.toJson(parse(line.getBytes(StandardCharsets.UTF_8)))));
        }
        out.sort(null);
        return out;
    }

    /** Valid readings in the source stream (KPL aggregates unpacked), canonical JSON, sorted (a multiset). */
    private List<String> streamReadings() {
        return readingsIn(stream);
    }

    private List<String> readingsIn(String streamName) {
        ReadingParser parser = ReadingParser.withoutTimeBounds();
        return KinesisRecords.readAll(clients.kinesis(), streamName).stream().map(parser::parse).filter(ParseResult::isValid)
                .map(p -> ReadingCodec.toJson(p.reading())).sorted().collect(Collectors.toList());
    }

    private long streamMalformed() {
        ReadingParser parser = ReadingParser.withoutTimeBounds();
        return KinesisRecords.readAll(clients.kinesis(), stream).stream().filter(b -> !parser.parse(b).isValid()).count();
    }

    private static TreeSet<String> canonical(List<Reading> readings) {
        return readings.stream().map(ReadingCodec::toJson).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Reading parse(byte[] json) {
        try {
            return ReadingCodec.MAPPER.readValue(json, Reading.class);
        } catch (java.io.IOException e) {
            throw new AssertionError("not a reading: " + new String(json, StandardCharsets.UTF_8), e);
        }
    }
}
