package io.sensorpipe.producer;

import io.sensorpipe.testkit.TestCloud;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.Reading;
import io.sensorpipe.source.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The KPL behind a slow link (a bandwidth-limited proxy in front of the local Kinesis TLS port), with a short
 * RecordTtl and RequestTimeout: with a tiny outstanding bound the producer slows down and loses nothing; without
 * the bound the same burst piles up in the daemon and expires, and every expired record lands in the failure file.
 */
class BackpressureIT {
    private static final int READINGS = 1000;
    private static final long LINK_BYTES_PER_SECOND = 20_000;

    private static TestCloud cloud;
    private static KinesisClient kinesis;
    private static String stream;
    private static List<Reading> readings;

    /**
     * With the bound, 50 records are in flight at a time and each waits well under a second for the slow link; the
     * TTL leaves room for a CPU-starved daemon on a loaded machine (3 s expired 9 of 1,000 there). The unbounded
     * test keeps 3 s: it holds the link until records expire, so its result does not depend on the machine's speed.
     */
    private static final Duration BOUNDED_TTL = Duration.ofSeconds(15);

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() {
        cloud = TestCloud.connect(KplEndpoints.KPL_KINESIS_VAR, KplEndpoints.KPL_STS_VAR);
        kinesis = cloud.kinesis();
        stream = cloud.createStream("it-backpressure", 1);
        readings = new Simulator(Simulator.Settings.forRate(20, 1, System.currentTimeMillis(), 20, 0), l -> { })
                .take(READINGS);
    }

    @AfterAll
    static void tearDown() {
        if (cloud != null) {
            cloud.close();
        }
    }

    private ProducerConfig slowLinkConfig(int port, int maxOutstanding, int maxRetries, Duration ttl, String name) {
        return ProducerConfig.builder(System.getenv()).streamName(stream)
                .kplKinesisEndpoint(Optional.of(new KplEndpoint("127.0.0.1", port, false, "throttling proxy")))
                .recordTtl(ttl)
                .requestTimeout(Duration.ofSeconds(2))
                .maxConnections(4)
                .maxOutstandingRecords(maxOutstanding)
                .maxRetries(maxRetries)
                .failureFile(tmp.resolve(name + "-failures.jsonl"))
                .build();
    }

    private static ProducerReport writeAll(KplReadingWriter writer) throws InterruptedException {
        for (Reading r : readings) {
            writer.write(r);
        }
        return writer.close();
    }

    @Test
    void tinyBoundSlowsTheSourceInsteadOfExpiringRecords() throws Exception {
        int kinesisTlsPort = KplEndpoints.kinesis(System.getenv()).orElseThrow().port();
        try (ThrottlingProxy proxy = new ThrottlingProxy("127.0.0.1", kinesisTlsPort, LINK_BYTES_PER_SECOND)) {
            KplReadingWriter writer = new KplReadingWriter(slowLinkConfig(proxy.port(), 50, 0, BOUNDED_TTL, "bounded"),
                    ProducerAwsClients::kplProducer);
            ProducerReport report = writeAll(writer);

            assertThat(report.failed()).as(report.summaryLine()).isZero();
            assertThat(report.acknowledged()).isEqualTo(READINGS);
            assertThat(writer.maxOutstandingSeen()).isLessThanOrEqualTo(50);
            assertThat(report.blockedMillis()).as("the source waited for the slow link").isGreaterThan(1000);
            assertThat(tmp.resolve("bounded-failures.jsonl")).doesNotExist();
        }
    }

    @Test
    void withoutTheBoundTheSameBurstExpiresAndEveryLossIsInTheFailureFile() throws Exception {
        int kinesisTlsPort = KplEndpoints.kinesis(System.getenv()).orElseThrow().port();
        try (ThrottlingProxy proxy = new ThrottlingProxy("127.0.0.1", kinesisTlsPort, LINK_BYTES_PER_SECOND)) {
            KplReadingWriter writer = new KplReadingWriter(slowLinkConfig(proxy.port(), 1_000_000, 0, Duration.ofSeconds(3), "unbounded"),
                    ProducerAwsClients::kplProducer);
            // The link stalls until the burst's first records have outlived their TTL, then carries on slowly: on a
            // loaded machine the source loop or the daemon can be slower than the link, and a burst that trickles
            // out never expires, so the race is taken out of the test.
            proxy.hold();
            for (Reading r : readings) {
                writer.write(r);
            }
            awaitFirstFailure(writer, Duration.ofSeconds(60));
            proxy.release();
            ProducerReport report = writer.close();

            assertThat(report.balanced()).isTrue();
            assertThat(report.blockedMillis()).as("no bound: the source never waits").isZero();
            assertThat(report.failed()).as(report.summaryLine()).isPositive();
            List<String> lines = Files.readAllLines(tmp.resolve("unbounded-failures.jsonl"));
            assertThat(lines).hasSize((int) report.failed());
            assertThat(lines.get(0)).contains("\"reason\"").contains("\"sensorId\"");
        }
    }

    private static void awaitFirstFailure(KplReadingWriter writer, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (writer.stats().failed() == 0) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no record expired within " + deadline + " on a stalled link: "
                        + writer.stats());
            }
            Thread.sleep(100);
        }
    }
}
