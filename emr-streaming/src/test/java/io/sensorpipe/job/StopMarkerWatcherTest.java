package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.contract.JobControl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's side of a graceful stop, on Spark's rate source: a fresh marker stops the query, a stale one does not, and
 * a marker that cannot be read for a while is watched on.
 */
class StopMarkerWatcherTest {
    private static SparkSession spark;

    @BeforeAll
    static void spark() {
        spark = SparkSession.builder().master("local[1]").appName("stop-marker").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static StreamingQuery start(Path checkpoint, String name) throws Exception {
        return spark.readStream().format("rate").option("rowsPerSecond", 5).load()
                .writeStream().format("memory").queryName(name).option("checkpointLocation", checkpoint.toString())
                .trigger(Trigger.ProcessingTime(200)).start();
    }

    @Test
    void aMarkerWrittenAfterTheStartStopsTheQueryAfterItsBatch(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("checkpoints");
        StreamingQuery query = start(checkpoint, "fresh_marker");
        try (StopMarkerWatcher watcher = StopMarkerWatcher.start(spark, query, checkpoint + "/", Duration.ofMillis(100), false,
                System.currentTimeMillis())) {
            Thread.sleep(1000);
            Files.writeString(Path.of(JobControl.stopMarkerFor(checkpoint.toString() + "/")), "stop");
            assertThat(query.awaitTermination(TimeUnit.SECONDS.toMillis(30))).isTrue();
        }
        assertThat(query.exception().isEmpty()).as("a graceful stop, not a failure").isTrue();
        assertThat(query.lastProgress()).isNotNull();
    }

    @Test
    void aMarkerOlderThanTheJobIsALeftoverAndIgnored(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("checkpoints");
        Path marker = Path.of(JobControl.stopMarkerFor(checkpoint.toString()));
        Files.writeString(marker, "old");
        Files.setLastModifiedTime(marker, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        StreamingQuery query = start(checkpoint, "stale_marker");
        try (StopMarkerWatcher watcher = StopMarkerWatcher.start(spark, query, checkpoint.toString(), Duration.ofMillis(100), false,
                System.currentTimeMillis())) {
            assertThat(query.awaitTermination(2_000)).isFalse();
            assertThat(query.isActive()).isTrue();
        } finally {
            query.stop();
        }
    }

    @Test
    void aMarkerThatCannotBeReadForAWhileIsWatchedOnAndStillStopsTheQuery(@TempDir Path dir) throws Exception {
        StreamingQuery query = start(dir.resolve("checkpoints"), "flaky_marker");
        AtomicInteger polls = new AtomicInteger();
        StopMarkerWatcher.MarkerCheck flaky = () -> {
            int n = polls.incrementAndGet();
            if (n <= 3) {
                throw new IOException("503 Slow Down (poll " + n + ")");
            }
            return n >= 5;
        };
        try (StopMarkerWatcher watcher = StopMarkerWatcher.start(query, flaky, "marker", Duration.ofMillis(100))) {
            assertThat(query.awaitTermination(TimeUnit.SECONDS.toMillis(30))).isTrue();
        }
        assertThat(polls.get()).isEqualTo(5);
        assertThat(query.exception().isEmpty()).as("a graceful stop, not a failure").isTrue();
    }
}
