package io.sensorpipe.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which checkpoints get the FileSystem-based checkpoint writer (local ones only; HDFS/S3 keep Spark's default). */
class LocalCheckpointPathTest {
    @Test
    void localPathsAreLocal() {
        assertTrue(SensorStreamingJob.isLocalPath("file:/var/tmp/cp", "yarn"));
        assertTrue(SensorStreamingJob.isLocalPath("/var/tmp/cp", "local[2]"));
        assertTrue(SensorStreamingJob.isLocalPath("target/cp", "local[*]"));
    }

    @Test
    void clusterPathsKeepSparksDefault() {
        assertFalse(SensorStreamingJob.isLocalPath("hdfs:///checkpoints/job", "yarn"));
        assertFalse(SensorStreamingJob.isLocalPath("s3://bucket/checkpoints/job", "local[2]"));
        // no scheme on a cluster: the default file system (HDFS on EMR)
        assertFalse(SensorStreamingJob.isLocalPath("/checkpoints/job", "yarn"));
    }
}
