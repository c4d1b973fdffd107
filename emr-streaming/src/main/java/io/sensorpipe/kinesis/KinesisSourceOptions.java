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
 * </ul>
 * Endpoint, region and credentials come from the SDK's default chains ({@code AWS_ENDPOINT_URL_KINESIS}, ...).
 */
public record KinesisSourceOptions(String streamName, String initialPosition, long atTimestampMillis,
                                   int maxRecordsPerShard, long minGetRecordsIntervalMs) implements Serializable {

    public static final String STREAM_NAME = "streamName";
    public static final String INITIAL_POSITION = "initialPosition";
    public static final String AT_TIMESTAMP_MILLIS = "atTimestampMillis";
    public static final String MAX_RECORDS_PER_SHARD = "maxRecordsPerShard";
    public static final String MIN_GET_RECORDS_INTERVAL_MS = "minGetRecordsIntervalMs";

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
        if (minGetRecordsIntervalMs < 0) {
            throw new IllegalArgumentException("kinesis source option '" + MIN_GET_RECORDS_INTERVAL_MS
                    + "' must be >= 0, got " + minGetRecordsIntervalMs);
        }
    }

    /** Spark hands options case-insensitively (lower-cased keys); look them up that way. */
    public static KinesisSourceOptions from(Map<String, String> options) {
        Map<String, String> lower = new java.util.HashMap<>();
        options.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        String position = lower.getOrDefault(INITIAL_POSITION.toLowerCase(Locale.ROOT), "TRIM_HORIZON")
                .toUpperCase(Locale.ROOT);
        return new KinesisSourceOptions(
                lower.get(STREAM_NAME.toLowerCase(Locale.ROOT)),
                position,
                parseLong(lower, AT_TIMESTAMP_MILLIS, 0),
                (int) parseLong(lower, MAX_RECORDS_PER_SHARD, 10_000),
                parseLong(lower, MIN_GET_RECORDS_INTERVAL_MS, 200));
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
