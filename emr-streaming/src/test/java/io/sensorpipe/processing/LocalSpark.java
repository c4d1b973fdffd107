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
}
