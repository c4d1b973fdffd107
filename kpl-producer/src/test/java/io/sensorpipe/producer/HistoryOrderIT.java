package io.sensorpipe.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.ParseResult;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.ReadingParser;
import io.sensorpipe.source.Simulator;
import io.sensorpipe.testkit.TestCloud;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * A history written through the real KPL as fast as it goes reaches every shard at most the writer's event-time bound
 * out of order (the KPL itself keeps no order within a shard: unbounded, the same kind of history arrived minutes out
 * of order).
 */
class HistoryOrderIT {
    private static final Duration DISORDER = Duration.ofSeconds(2);

    private static TestCloud cloud;
    private static KinesisClient kinesis;
    private static String stream;

    @TempDir
    Path tmp;

    @BeforeAll
    static void createStream() {
        cloud = TestCloud.connect(KplEndpoints.KPL_KINESIS_VAR, KplEndpoints.KPL_STS_VAR);
        kinesis = cloud.kinesis();
        stream = cloud.createStream("it-history-order", 2);
    }

    @AfterAll
    static void deleteStream() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void aHistoryWrittenAsFastAsTheKplGoesReachesEachShardAtMostTheBoundOutOfEventTimeOrder() throws Exception {
        // 200 s of 40 sensors at one reading a second each: event time in order, as the simulator's history is
        List<Reading> sent = new Simulator(Simulator.Settings.forRate(40, 7, 1_000_000_000L, 40, 0.002), label -> { })
                .take(8_000);
        ProducerConfig config = ProducerConfig.builder(System.getenv()).streamName(stream)
                .maxOutstandingEventTime(DISORDER).failureFile(tmp.resolve("failures.jsonl")).build();
        KplReadingWriter writer = KplReadingWriter.create(config);
        for (Reading r : sent) {
            writer.write(r);
        }
        ProducerReport report = writer.close();
        System.out.println("history order: " + report.summaryLine());
        assertThat(report.acknowledged()).as(report.summaryLine()).isEqualTo(sent.size());

        ReadingParser parser = ReadingParser.withoutTimeBounds();
        java.util.Set<Reading> received = new java.util.HashSet<>();
        for (Map.Entry<String, List<Record>> shard : StreamReadback.readByShard(kinesis, stream).entrySet()) {
            List<KinesisClientRecord> records = new AggregatorUtil()
                    .deaggregate(shard.getValue().stream().map(KinesisClientRecord::fromRecord).toList());
            long newest = Long.MIN_VALUE;
            long worst = 0;
            for (KinesisClientRecord r : records) {
                byte[] bytes = new byte[r.data().remaining()];
                r.data().get(bytes);
                ParseResult parsed = parser.parse(bytes);
                received.add(parsed.reading());
                long ts = parsed.reading().ts();
                if (newest != Long.MIN_VALUE) {
                    worst = Math.max(worst, newest - ts);
                }
                newest = Math.max(newest, ts);
            }
            System.out.println("history order: shard " + shard.getKey() + " worst " + worst + " ms");
            assertThat(worst).as("the most a reading of shard %s came after a newer one, ms", shard.getKey())
                    .isLessThanOrEqualTo(DISORDER.toMillis());
        }
        assertThat(received).as("every reading arrived (a duplicate of a timed-out attempt counts once)")
                .isEqualTo(new java.util.HashSet<>(sent));
    }
}
