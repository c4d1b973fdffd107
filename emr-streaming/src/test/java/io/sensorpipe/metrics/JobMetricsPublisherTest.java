package io.sensorpipe.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The sink calls these on every batch: they must never throw, however long the job runs. */
class JobMetricsPublisherTest {
    @Test
    void latencySamplesKeepWorkingPastTwoBillionWindows() {
        JobMetricsPublisher metrics = new JobMetricsPublisher(null, null, null, "s");
        metrics.latencySampleCountForTest(Integer.MAX_VALUE - 2L); // months of windows already recorded
        metrics.recordLatencies(new long[] {10, 20, 30, 40, 50}); // crosses 2^31
        assertThat(metrics.latencySampleCount()).isEqualTo(Integer.MAX_VALUE + 3L);
        assertThat(metrics.latencyPercentile(100)).isGreaterThanOrEqualTo(50);
    }

    @Test
    void duplicatesAreCountedApartFromDeadLetters() {
        JobMetricsPublisher metrics = new JobMetricsPublisher(null, null, null, "s");
        metrics.batchDone(0, 20, 100, new BatchCounts(0, 2, 14, 0, 1, 2, 3, 0, 0, 0, 5));
        metrics.batchDone(1, 5, 100, new BatchCounts(1, 1, 4, 0, 0, 0, 1, 0, 0, 0, 5));
        assertThat(metrics.snapshot()).containsEntry("duplicates", 4L).containsEntry("deadLettered", 2L)
                .containsEntry("late", 1L).containsEntry("readingsWindowed", 18L);
    }

    @Test
    void modelAndStateResetsAndStateBytesReachTheMetricsFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("metrics.json");
        JobMetricsPublisher metrics = new JobMetricsPublisher(file, null, null, "s");
        metrics.batchDone(0, 20, 100, new BatchCounts(0, 2, 14, 0, 0, 0, 0, 3, 1, 1, 5), 4_096);
        metrics.batchDone(1, 5, 100, new BatchCounts(1, 1, 4, 0, 0, 0, 0, 2, 0, 0, 5), 1_024);
        String json = java.nio.file.Files.readString(file);
        assertThat(json).contains("\"modelResets\":5").contains("\"stateResets\":1")
                .contains("\"unscoredWindows\":1").contains("\"stateBytesWritten\":5120");
    }
}
