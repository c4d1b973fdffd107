package io.sensorpipe.processing;

import org.apache.spark.sql.SparkSession;

/** One small local Spark session per test JVM (starting Spark costs seconds). */
public final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {
    }

    public static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("sensorpipe-test")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.sql.streaming.stateStore.providerClass",
                            "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
                    .config("spark.sql.streaming.forceDeleteTempCheckpointLocation", "true")
                    .getOrCreate();
        }
        return session;
    }

    /**
     * A new folder for streaming checkpoints under the build directory, not a JUnit {@code @TempDir}: a stopped
     * query's state-store maintenance can still be writing there when the test ends, and JUnit fails the test when
     * it cannot delete the directory.
     */
    public static java.nio.file.Path checkpointRoot(String test) {
        try {
            java.nio.file.Path target = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", test));
            return java.nio.file.Files.createTempDirectory(target, "cp-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
