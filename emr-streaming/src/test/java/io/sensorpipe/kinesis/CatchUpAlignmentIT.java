package io.sensorpipe.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.contract.MetricNames;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job starts behind (a backlog of many batches on TRIM_HORIZON, a small per-batch cap) on shards of unequal
 * density: shards are aligned in event time, so no in-order reading is LATE and every window is exact.
 */
class CatchUpAlignmentIT {
    @TempDir
    Path tmp;

    /** (a) 4 shards with 1, 2, 3 and 6 sensors (the densest as KPL aggregates), 60 s backlog, 20 records per batch. */
    @Test
    void backlogOnShardsOfUnequalDensityHasNoLateReadingAndExactWindows() throws Exception {
        try (CatchUpCloud cloud = new CatchUpCloud(tmp, 4)) {
            cloud.produce(0, 60, new int[] {1, 2, 3, 6}, new boolean[] {false, false, false, true}, "a");
            cloud.sentinels(90);
            Process job = cloud.startJob(20);
            try {
                cloud.awaitAllWindows(job, 240_000);
            } finally {
                CatchUpCloud.stop(job);
            }
            assertThat(cloud.deadLetters("LATE")).as("LATE dead letters").isZero();
            cloud.assertWindowsExact();
            assertThat(cloud.metric("late")).isZero();
            assertThat(cloud.metric(MetricNames.GET_RECORDS_CALLS)).as("source metrics reach the metrics file")
                    .isPositive();
        }
    }

    /** (c) one shard never gets a record: it does not hold the others back, their windows close. */
    @Test
    void anIdleShardDoesNotHoldTheOthersBack() throws Exception {
        try (CatchUpCloud cloud = new CatchUpCloud(tmp, 4)) {
            cloud.produce(0, 30, new int[] {1, 3, 0, 2}, null, "c");
            cloud.sentinels(60);
            Process job = cloud.startJob(20);
            try {
                cloud.awaitAllWindows(job, 180_000);
            } finally {
                CatchUpCloud.stop(job);
            }
            assertThat(cloud.deadLetters("LATE")).isZero();
            cloud.assertWindowsExact();
        }
    }
}
