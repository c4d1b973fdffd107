package io.sensorpipe.producer;

import io.sensorpipe.testkit.TestCloud;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.ParseResult;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.ReadingParser;
import io.sensorpipe.source.Simulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * KPL-aggregated readings read back with SDK v2 and de-aggregated with KCL 3.x in the same JVM: proves the
 * content arrives unchanged and that the KPL (protobuf 4.29) and KCL (built on 4.27) share one protobuf; and in the
 * order the writer's event-time bound promises.
 */
class KplRoundTripIT {
    private static final int SENSORS = 200;
    private static final int READINGS = 50_000;
    private static final Duration HISTORY_DISORDER = Duration.ofSeconds(2);

    private static TestCloud cloud;
    private static KinesisClient kinesis;
    private static String stream;

    @TempDir
    Path tmp;

    @BeforeAll
    static void createStream() {
        cloud = TestCloud.connect(KplEndpoints.KPL_KINESIS_VAR, KplEndpoints.KPL_STS_VAR);
        kinesis = cloud.kinesis();
        stream = cloud.createStream("it-roundtrip", 4);
    }

    @AfterAll
    static void deleteStream() {
        if (cloud != null) {
            cloud.close();
        }
    }

    private static boolean startsWithMagic(byte[] data) {
        byte[] magic = AggregatorUtil.AGGREGATED_RECORD_MAGIC;
        return data.length > magic.length && java.util.Arrays.equals(data, 0, magic.length, magic, 0, magic.length);
    }

    @Test
    void everyReadingOfTwoHundredSensorsComesBackUnchangedThroughKclDeaggregation() throws Exception {
        List<Reading> sent = new Simulator(Simulator.Settings.forRate(SENSORS, 2024, System.currentTimeMillis(), 2000,
                0.002), label -> { }).take(READINGS);
        ProducerConfig config = ProducerConfig.builder(System.getenv()).streamName(stream)
                .failureFile(tmp.resolve("failures.jsonl")).build();

        ProducerReport report = writeAll(config, sent);

        assertThat(report.balanced()).isTrue();
        assertThat(report.produced()).isEqualTo(READINGS);
        assertThat(report.acknowledged()).as(report.summaryLine()).isEqualTo(READINGS);
        assertThat(report.failed()).isZero();

        List<Record> stored = StreamReadback.readAll(kinesis, stream);
        // Records handed over before the daemon has the shard map go out unaggregated, so only a bound here.
        assertThat(stored.size()).as("KPL aggregation packs many readings per Kinesis record")
                .isLessThan(READINGS / 5);
        assertThat(stored).as("some records are KPL-aggregated").anyMatch(r -> startsWithMagic(r.data().asByteArray()));
        Map<Reading, Integer> received = new HashMap<>();
        readings(stored).forEach(r -> received.merge(r, 1, Integer::sum));
        Map<Reading, Integer> expected = new HashMap<>();
        sent.forEach(r -> expected.merge(r, 1, Integer::sum));
        assertThat(received).isEqualTo(expected);
    }

    /**
     * A history written as fast as the KPL goes reaches every shard at most the writer's event-time bound out of order
     * (the KPL itself keeps no order within a shard: unbounded, the same kind of history arrived minutes out of order).
     */
    @Test
    void aHistoryWrittenAsFastAsTheKplGoesReachesEachShardAtMostTheBoundOutOfEventTimeOrder() throws Exception {
        // 200 s of 40 sensors at one reading a second each: event time in order, as the simulator's history is
        String stream = cloud.createStream("it-history-order", 2);
        List<Reading> sent = new Simulator(Simulator.Settings.forRate(40, 7, 1_000_000_000L, 40, 0.002), label -> { })
                .take(8_000);
        ProducerConfig config = ProducerConfig.builder(System.getenv()).streamName(stream)
                .maxOutstandingEventTime(HISTORY_DISORDER).failureFile(tmp.resolve("failures.jsonl")).build();
        ProducerReport report = writeAll(config, sent);
        assertThat(report.acknowledged()).as(report.summaryLine()).isEqualTo(sent.size());

        Set<Reading> received = new HashSet<>();
        for (Map.Entry<String, List<Record>> shard : StreamReadback.readByShard(kinesis, stream).entrySet()) {
            long newest = Long.MIN_VALUE;
            long worst = 0;
            for (Reading r : readings(shard.getValue())) {
                received.add(r);
                if (newest != Long.MIN_VALUE) {
                    worst = Math.max(worst, newest - r.ts());
                }
                newest = Math.max(newest, r.ts());
            }
            assertThat(worst).as("the most a reading of shard %s came after a newer one, ms", shard.getKey())
                    .isLessThanOrEqualTo(HISTORY_DISORDER.toMillis());
        }
        assertThat(received).as("every reading arrived (a duplicate of a timed-out attempt counts once)")
                .isEqualTo(new HashSet<>(sent));
    }

    private static ProducerReport writeAll(ProducerConfig config, List<Reading> sent) throws InterruptedException {
        KplReadingWriter writer = KplReadingWriter.create(config);
        for (Reading r : sent) {
            writer.write(r);
        }
        return writer.close();
    }

    /** The readings in Kinesis records, in their order: de-aggregated with the KCL, each valid and keyed by sensor. */
    private static List<Reading> readings(List<Record> stored) {
        ReadingParser parser = ReadingParser.withoutTimeBounds();
        List<Reading> out = new ArrayList<>();
        for (KinesisClientRecord r : new AggregatorUtil()
                .deaggregate(stored.stream().map(KinesisClientRecord::fromRecord).toList())) {
            byte[] bytes = new byte[r.data().remaining()];
            r.data().get(bytes);
            ParseResult parsed = parser.parse(bytes);
            assertThat(parsed.isValid()).as(parsed.toString()).isTrue();
            assertThat(r.partitionKey()).isEqualTo(parsed.reading().sensorId());
            out.add(parsed.reading());
        }
        return out;
    }
}
