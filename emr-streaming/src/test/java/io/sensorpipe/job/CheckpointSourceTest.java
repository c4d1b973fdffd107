package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorpipe.kinesis.KinesisOffset;
import io.sensorpipe.metrics.JobMetricsPublisher;
import io.sensorpipe.processing.LocalSpark;
import io.sensorpipe.sink.DeadLetterWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A checkpoint is read by the source that wrote it: AWS's connector is not handed our offsets. */
class CheckpointSourceTest {
    @Test
    void aCheckpointOfOurSourceRestartedWithAwsKinesisIsRefusedInOneLineBeforeSparkReadsIt() throws Exception {
        Path root = LocalSpark.checkpointRoot("checkpoint-source-test");
        Path cp = root.resolve("cp");
        Files.createDirectories(cp.resolve("offsets"));
        Files.writeString(cp.resolve("offsets/0"), "v1\n{\"batchWatermarkMs\":0}\n"
                + new KinesisOffset("TRIM_HORIZON", 1, null, null, List.of(), Map.of()).json());
        JobConfig config = new JobConfig("s", "t", cp.toString(), null, "dead-letters/", root.resolve("dl"),
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(1),
                JobConfig.AWS_KINESIS, "TRIM_HORIZON", 0, 10_000, 2, 30, 8, null, null, Duration.ZERO, "local[2]",
                false, JobConfig.DEFAULT_MAX_FUTURE_SKEW);
        SensorStreamingJob job = new SensorStreamingJob(config, s -> {
            throw new AssertionError("the source is not opened");
        }, results -> { }, DeadLetterWriter.toDirectory(root.resolve("dl"), "job"));
        assertThatThrownBy(() -> job.start(LocalSpark.get(), new JobMetricsPublisher(null, null, null, "s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was written by the sensorpipe-kinesis source")
                .hasMessageContaining("--source sensorpipe-kinesis")
                .hasMessageNotContaining("\n");
    }
}
