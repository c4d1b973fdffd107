package io.sensorpipe.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** Which source a graceful stop's request reaches: its query's, however the checkpoint flag was written. */
class SourceDrainTest {
    private static boolean drains(String checkpoint, String sourceLocation) {
        SourceDrain.request(checkpoint);
        try {
            return SourceDrain.requested(sourceLocation);
        } finally {
            SourceDrain.clear(checkpoint);
        }
    }

    @Test
    void theFlagAsTypedReachesTheLocationSparkQualified() {
        assertThat(drains("/tmp/cp", "file:/tmp/cp/sources/0")).isTrue();
        assertThat(drains("/tmp/cp/", "file:/tmp/cp/sources/0")).isTrue();
        assertThat(drains("file:///tmp/cp", "file:/tmp/cp/sources/0")).isTrue();
        assertThat(drains("/tmp/my cp", "file:/tmp/my%20cp/sources/0")).as("a space Spark escapes").isTrue();
        String relative = Paths.get("target/cp").toAbsolutePath().normalize().toString();
        assertThat(drains("target/cp", "file:" + relative + "/sources/0")).isTrue();
        assertThat(drains("./target//cp", "file:" + relative + "/sources/0")).isTrue();
        assertThat(drains("s3://bucket/checkpoints/streaming", "s3://bucket/checkpoints/streaming/sources/0")).isTrue();
        assertThat(drains("hdfs:///checkpoints", "hdfs://namenode:8020/checkpoints/sources/0")).isTrue();
    }

    @Test
    void anotherQuerysSourceReadsOn() {
        assertThat(drains("/tmp/cp", "file:/tmp/cp2/sources/0")).isFalse();
        assertThat(drains("s3://bucket-a/cp", "s3://bucket-b/cp/sources/0")).isFalse();
        assertThat(drains("/tmp/cp", null)).isFalse();
        assertThat(SourceDrain.requested("file:/tmp/cp/sources/0")).as("cleared").isFalse();
    }
}
