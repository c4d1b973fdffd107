package io.sensorpipe.processing;

import io.sensorpipe.score.ScorerConfig;
import java.sql.Timestamp;
import java.time.Duration;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.KeyValueGroupedDataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.types.Metadata;

/** Source rows → parse → event-time watermark → per-sensor windows and scores: one {@link JobOutput} stream. */
public final class WindowingPipeline {
    /** Far-future event time given to every row after the watermark is computed; see {@link #build}. */
    private static final Timestamp NEVER_LATE = Timestamp.valueOf("9999-01-01 00:00:00");

    private WindowingPipeline() {
    }

    public static Dataset<JobOutput> build(Dataset<Row> source, Duration windowSize, Duration watermarkDelay,
                                           ScorerConfig scorerConfig, Duration idleTimeout,
                                           Duration maxPast, Duration maxFuture) {
        return build(source, windowSize, watermarkDelay, scorerConfig, idleTimeout, maxPast, maxFuture, null,
                ModelStore.inline());
    }

    /**
     * @param initialState per-sensor first state rows (warm start); Spark applies them to a new checkpoint only
     * @param models       where the models' snapshots live ({@link ModelStore})
     */
    public static Dataset<JobOutput> build(Dataset<Row> source, Duration windowSize, Duration watermarkDelay,
                                           ScorerConfig scorerConfig, Duration idleTimeout,
                                           Duration maxPast, Duration maxFuture,
                                           KeyValueGroupedDataset<String, SensorState> initialState,
                                           ModelStore models) {
        return build(source, windowSize, watermarkDelay, scorerConfig, idleTimeout, maxPast, maxFuture, initialState,
                models, RunStarts.none());
    }

    /** @param runStarts the checkpoint's query starts (see {@link SensorStateFunction}) */
    public static Dataset<JobOutput> build(Dataset<Row> source, Duration windowSize, Duration watermarkDelay,
                                           ScorerConfig scorerConfig, Duration idleTimeout,
                                           Duration maxPast, Duration maxFuture,
                                           KeyValueGroupedDataset<String, SensorState> initialState,
                                           ModelStore models, RunStarts runStarts) {
        RecordParsing parsing = new RecordParsing(maxPast.toMillis(), maxFuture.toMillis());
        // one row per sensor and shard of a task crosses the shuffle, not one per reading (see ReadingPacker)
        Dataset<ReadingPack> parsed = source.mapPartitions(
                (MapPartitionsFunction<Row, ReadingPack>) rows -> new ReadingPacker(parsing.call(rows)),
                Encoders.bean(ReadingPack.class));
        Dataset<Row> watermarked = parsed.toDF().withWatermark("eventTime", watermarkDelay.toMillis() + " milliseconds");
        // flatMapGroupsWithState with event-time timeouts drops rows older than the watermark without a trace. We
        // want every late reading dead-lettered, so after the watermark is computed from the real event times, the
        // column carrying the watermark marker gets a value that is never late; the state function itself detects
        // late readings (SensorWindowState.accept) from their own ts and the current watermark.
        Metadata marker = watermarked.schema().apply("eventTime").metadata();
        Column[] cols = java.util.Arrays.stream(watermarked.columns())
                .map(c -> c.equals("eventTime") ? functions.lit(NEVER_LATE).as("eventTime", marker) : functions.col(c))
                .toArray(Column[]::new);
        Dataset<ReadingPack> guarded = watermarked.select(cols).as(Encoders.bean(ReadingPack.class));
        KeyValueGroupedDataset<String, ReadingPack> bySensor = guarded
                .groupByKey((MapFunction<ReadingPack, String>) ReadingPack::getRouteKey, Encoders.STRING());
        SensorStateFunction function = new SensorStateFunction(windowSize, watermarkDelay, scorerConfig, idleTimeout,
                models, runStarts);
        if (initialState != null) {
            return bySensor.flatMapGroupsWithState(function, OutputMode.Append(), Encoders.bean(SensorState.class),
                    JobOutput.encoder(), GroupStateTimeout.ProcessingTimeTimeout(), initialState);
        }
        return bySensor.flatMapGroupsWithState(function, OutputMode.Append(), Encoders.bean(SensorState.class),
                JobOutput.encoder(), GroupStateTimeout.ProcessingTimeTimeout());
    }
}
