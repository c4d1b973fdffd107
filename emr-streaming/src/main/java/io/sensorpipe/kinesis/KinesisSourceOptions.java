package io.sensorpipe.kinesis;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;

/**
 * Options of the {@code sensorpipe-kinesis} source, read from {@code spark.readStream.option(...)}.
 *
 * <ul>
 *   <li>{@code streamName} (required)</li>
 *   <li>{@code initialPosition}: TRIM_HORIZON (default), LATEST, AT_TIMESTAMP (with {@code atTimestampMillis})</li>
 *   <li>{@code maxRecordsPerShard}: Kinesis records per shard per micro-batch (default 10000)</li>
 *   <li>{@code minGetRecordsIntervalMs}: pause between GetRecords calls on one shard (default 200: 5 calls/s)</li>
 *   <li>{@code watermarkDelayMs}: the job's watermark delay; shards are aligned in event time within it
 *       (default 0: strict alignment)</li>
 *   <li>{@code maxFutureSkewMs}: readings further ahead of the clock do not move a shard (default 60000)</li>
 *   <li>{@code eventTimeField}: top-level numeric JSON field with the event time in ms (default {@code ts})</li>
 *   <li>{@code failOnDataLoss}: true (default) fails the query when a position fell behind the retention or the
 *       checkpoint belongs to another stream; false continues from the trim horizon and emits a {@code DATA_LOSS}
 *       marker row</li>
 *   <li>{@code shardListRefreshMs}: how long the driver reuses its shard list (default 5000)</li>
 * </ul>
 * Endpoint, region and credentials come from the SDK's default chains ({@code AWS_ENDPOINT_URL_KINESIS}, ...).
 */
public record KinesisSourceOptions(String streamName, String initialPosition, long atTimestampMillis,
                                   int maxRecordsPerShard, long minGetRecordsIntervalMs, long watermarkDelayMs,
                                   long maxFutureSkewMs, String eventTimeField, boolean failOnDataLoss,
                                   long shardListRefreshMs) implements Serializable {

    public static final String STREAM_NAME = "streamName";
    public static final String INITIAL_POSITION = "initialPosition";
    public static final String AT_TIMESTAMP_MILLIS = "atTimestampMillis";
    public static final String MAX_RECORDS_PER_SHARD = "maxRecordsPerShard";
    public static final String MIN_GET_RECORDS_INTERVAL_MS = "minGetRecordsIntervalMs";
    public static final String WATERMARK_DELAY_MS = "watermarkDelayMs";
    public static final String MAX_FUTURE_SKEW_MS = "maxFutureSkewMs";
    public static final String EVENT_TIME_FIELD = "eventTimeField";
    public static final String FAIL_ON_DATA_LOSS = "failOnDataLoss";
    public static final String SHARD_LIST_REFRESH_MS = "shardListRefreshMs";

    public KinesisSourceOptions {
        if (streamName == null || streamName.isBlank()) {
            throw new IllegalArgumentException("kinesis source option '" + STREAM_NAME + "' is required");
        }
        if (!initialPosition.equals("TRIM_HORIZON") && !initialPosition.equals("LATEST")
                && !initialPosition.equals("AT_TIMESTAMP")) {
            throw new IllegalArgumentException("kinesis source option '" + INITIAL_POSITION
                    + "' must be TRIM_HORIZON, LATEST or AT_TIMESTAMP, got " + initialPosition);
        }
        if (initialPosition.equals("AT_TIMESTAMP") && atTimestampMillis <= 0) {
            throw new IllegalArgumentException("kinesis source option '" + AT_TIMESTAMP_MILLIS
                    + "' is required with initialPosition AT_TIMESTAMP");
        }
        if (maxRecordsPerShard < 1 || maxRecordsPerShard > 10_000) {
            throw new IllegalArgumentException("kinesis source option '" + MAX_RECORDS_PER_SHARD
                    + "' must be in [1,10000], got " + maxRecordsPerShard);
        }
        requireNonNegative(MIN_GET_RECORDS_INTERVAL_MS, minGetRecordsIntervalMs);
        requireNonNegative(WATERMARK_DELAY_MS, watermarkDelayMs);
        requireNonNegative(MAX_FUTURE_SKEW_MS, maxFutureSkewMs);
        requireNonNegative(SHARD_LIST_REFRESH_MS, shardListRefreshMs);
        if (eventTimeField == null || eventTimeField.isBlank()) {
            throw new IllegalArgumentException("kinesis source option '" + EVENT_TIME_FIELD + "' must not be blank");
        }
    }

    private static void requireNonNegative(String key, long v) {
        if (v < 0) {
            throw new IllegalArgumentException("kinesis source option '" + key + "' must be >= 0, got " + v);
        }
    }

    /** Spark hands options case-insensitively (lower-cased keys); look them up that way. */
    public static KinesisSourceOptions from(Map<String, String> options) {
        Map<String, String> lower = new java.util.HashMap<>();
        options.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        String position = lower.getOrDefault(INITIAL_POSITION.toLowerCase(Locale.ROOT), "TRIM_HORIZON")
                .toUpperCase(Locale.ROOT);
        String failOnLoss = lower.getOrDefault(FAIL_ON_DATA_LOSS.toLowerCase(Locale.ROOT), "true").trim();
        if (!failOnLoss.equalsIgnoreCase("true") && !failOnLoss.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("kinesis source option '" + FAIL_ON_DATA_LOSS
                    + "' must be true or false, got " + failOnLoss);
        }
        return new KinesisSourceOptions(
                lower.get(STREAM_NAME.toLowerCase(Locale.ROOT)),
                position,
                parseLong(lower, AT_TIMESTAMP_MILLIS, 0),
                (int) parseLong(lower, MAX_RECORDS_PER_SHARD, 10_000),
                parseLong(lower, MIN_GET_RECORDS_INTERVAL_MS, 200),
                parseLong(lower, WATERMARK_DELAY_MS, 0),
                parseLong(lower, MAX_FUTURE_SKEW_MS, 60_000),
                lower.getOrDefault(EVENT_TIME_FIELD.toLowerCase(Locale.ROOT), "ts"),
                Boolean.parseBoolean(failOnLoss),
                parseLong(lower, SHARD_LIST_REFRESH_MS, 5_000));
    }

    /** These options as source options (the inverse of {@link #from}). */
    public Map<String, String> asMap() {
        Map<String, String> m = new java.util.HashMap<>();
        m.put(STREAM_NAME, streamName);
        m.put(INITIAL_POSITION, initialPosition);
        m.put(AT_TIMESTAMP_MILLIS, Long.toString(atTimestampMillis));
        m.put(MAX_RECORDS_PER_SHARD, Integer.toString(maxRecordsPerShard));
        m.put(MIN_GET_RECORDS_INTERVAL_MS, Long.toString(minGetRecordsIntervalMs));
        m.put(WATERMARK_DELAY_MS, Long.toString(watermarkDelayMs));
        m.put(MAX_FUTURE_SKEW_MS, Long.toString(maxFutureSkewMs));
        m.put(EVENT_TIME_FIELD, eventTimeField);
        m.put(FAIL_ON_DATA_LOSS, Boolean.toString(failOnDataLoss));
        m.put(SHARD_LIST_REFRESH_MS, Long.toString(shardListRefreshMs));
        return m;
    }

    private static long parseLong(Map<String, String> lower, String key, long dflt) {
        String v = lower.get(key.toLowerCase(Locale.ROOT));
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("kinesis source option '" + key + "' must be an integer, got " + v);
        }
    }
}
