package io.sensorpipe.job;

import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.kinesis.KinesisSourceProvider;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the streaming job is told, validated once at start; errors name the bad field (as its CLI flag).
 *
 * @param source          {@code sensorpipe-kinesis} (ours, SDK v2) or {@code aws-kinesis} (AWS's connector, EMR 7.1+)
 * @param deadLetterBucket S3 bucket for dead letters, or null when {@code deadLetterDir} is used (local runs)
 * @param duration         stop after this long; zero runs until killed
 * @param master           Spark master, only applied when none is set by spark-submit
 * @param maxFutureSkew    newest accepted event time ahead of the clock: one reading far ahead moves the global
 *                         watermark with it and makes everything else late, so beyond this it is dead-lettered
 *                         ({@code TIMESTAMP_OUT_OF_RANGE})
 * @param failOnDataLoss   a source position behind the stream's retention, or a checkpoint of another stream, fails
 *                         the query (true) or is skipped, counted and dead-lettered as {@code DATA_LOSS} (false)
 */
public record JobConfig(
        String stream,
        String table,
        String checkpoint,
        String deadLetterBucket,
        String deadLetterPrefix,
        Path deadLetterDir,
        Duration windowSize,
        Duration watermarkDelay,
        Duration triggerInterval,
        Duration idleTimeout,
        String source,
        String initialPosition,
        long atTimestampMillis,
        int maxRecordsPerShard,
        int shufflePartitions,
        int ttlDays,
        int warmupWindows,
        Path metricsFile,
        String cloudWatchNamespace,
        Duration duration,
        String master,
        boolean createResources,
        Duration maxFutureSkew,
        boolean failOnDataLoss) {

    public static final String AWS_KINESIS = "aws-kinesis";
    /** Default of {@code --max-future-skew}: generous for sensor clocks, small next to a watermark stall. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofSeconds(60);
    static final Duration MAX_FUTURE_SKEW_LIMIT = Duration.ofHours(1);

    /** Without {@code failOnDataLoss}: fails on data loss (the default). */
    public JobConfig(String stream, String table, String checkpoint, String deadLetterBucket, String deadLetterPrefix,
                     Path deadLetterDir, Duration windowSize, Duration watermarkDelay, Duration triggerInterval,
                     Duration idleTimeout, String source, String initialPosition, long atTimestampMillis,
                     int maxRecordsPerShard, int shufflePartitions, int ttlDays, int warmupWindows, Path metricsFile,
                     String cloudWatchNamespace, Duration duration, String master, boolean createResources,
                     Duration maxFutureSkew) {
        this(stream, table, checkpoint, deadLetterBucket, deadLetterPrefix, deadLetterDir, windowSize, watermarkDelay,
                triggerInterval, idleTimeout, source, initialPosition, atTimestampMillis, maxRecordsPerShard,
                shufflePartitions, ttlDays, warmupWindows, metricsFile, cloudWatchNamespace, duration, master,
                createResources, maxFutureSkew, true);
    }

    /** This configuration with {@code failOnDataLoss} set. */
    public JobConfig withFailOnDataLoss(boolean fail) {
        return new JobConfig(stream, table, checkpoint, deadLetterBucket, deadLetterPrefix, deadLetterDir, windowSize,
                watermarkDelay, triggerInterval, idleTimeout, source, initialPosition, atTimestampMillis,
                maxRecordsPerShard, shufflePartitions, ttlDays, warmupWindows, metricsFile, cloudWatchNamespace,
                duration, master, createResources, maxFutureSkew, fail);
    }

    /**
     * This configuration as a batch was planned: its window size and, when recorded, the other settings that decide
     * what it writes (finishing a batch a stopped run left unfinished, before the changed flags apply).
     */
    JobConfig asPlanned(Duration window, CheckpointWindow.Settings planned) {
        Duration size = window == null ? windowSize : window;
        Duration idle = planned == null ? idleTimeout : Duration.ofMillis(planned.idleTimeoutMillis());
        // the idle timeout is raised to the window size when below it: the flags passed are valid for the new size,
        // and a batch of older, longer windows must not fail the start on a rule it was not given
        return new JobConfig(stream, table, checkpoint, deadLetterBucket, deadLetterPrefix, deadLetterDir, size,
                planned == null ? watermarkDelay : Duration.ofMillis(planned.watermarkMillis()), triggerInterval,
                idle.compareTo(size) >= 0 ? idle : size, source, initialPosition, atTimestampMillis,
                maxRecordsPerShard, shufflePartitions, ttlDays, planned == null ? warmupWindows : planned.warmupWindows(),
                metricsFile, cloudWatchNamespace, duration, master, createResources,
                planned == null ? maxFutureSkew : Duration.ofMillis(planned.maxFutureSkewMillis()), failOnDataLoss);
    }

    /** The flags that decide what a batch writes and differ between {@code this} and {@code other}, for a log line. */
    String settingsChangedTo(JobConfig other) {
        java.util.List<String> changed = new java.util.ArrayList<>();
        if (!windowSize.equals(other.windowSize)) {
            changed.add(JobOptions.WINDOW + " " + windowSize + " -> " + other.windowSize);
        }
        if (!watermarkDelay.equals(other.watermarkDelay)) {
            changed.add(JobOptions.WATERMARK + " " + watermarkDelay + " -> " + other.watermarkDelay);
        }
        if (!idleTimeout.equals(other.idleTimeout)) {
            changed.add(JobOptions.IDLE_TIMEOUT + " " + idleTimeout + " -> " + other.idleTimeout);
        }
        if (!maxFutureSkew.equals(other.maxFutureSkew)) {
            changed.add(JobOptions.MAX_FUTURE_SKEW + " " + maxFutureSkew + " -> " + other.maxFutureSkew);
        }
        if (warmupWindows != other.warmupWindows) {
            changed.add(JobOptions.WARMUP_WINDOWS + " " + warmupWindows + " -> " + other.warmupWindows);
        }
        return String.join(", ", changed);
    }

    /** This configuration with another {@code --window} (finishing a batch planned with an earlier one). */
    public JobConfig withWindowSize(Duration size) {
        return asPlanned(size, null);
    }

    public JobConfig {
        require(stream != null && !stream.isBlank(), "--stream", "is required");
        require(table != null && !table.isBlank(), "--table", "is required");
        require(checkpoint != null && !checkpoint.isBlank(), "--checkpoint", "is required");
        require((deadLetterBucket != null) != (deadLetterDir != null), "--dead-letter-bucket",
                "or --dead-letter-dir is required (exactly one)");
        require(deadLetterPrefix != null && (deadLetterPrefix.isEmpty() || deadLetterPrefix.endsWith("/")),
                "--dead-letter-prefix", "must end with '/', got '" + deadLetterPrefix + "'");
        require(positive(windowSize), "--window", "must be > 0, got " + windowSize);
        require(watermarkDelay != null && !watermarkDelay.isNegative(), "--watermark", "must be >= 0, got " + watermarkDelay);
        require(positive(triggerInterval), "--trigger", "must be > 0, got " + triggerInterval);
        require(positive(idleTimeout) && idleTimeout.compareTo(windowSize) >= 0, "--idle-timeout",
                "must be >= the window size, got " + idleTimeout);
        require(KinesisSourceProvider.SHORT_NAME.equals(source) || AWS_KINESIS.equals(source), "--source",
                "must be " + KinesisSourceProvider.SHORT_NAME + " or " + AWS_KINESIS + ", got " + source);
        require("TRIM_HORIZON".equals(initialPosition) || "LATEST".equals(initialPosition)
                || "AT_TIMESTAMP".equals(initialPosition), "--initial-position",
                "must be TRIM_HORIZON, LATEST or AT_TIMESTAMP, got " + initialPosition);
        require(!"AT_TIMESTAMP".equals(initialPosition) || atTimestampMillis > 0, "--at-timestamp",
                "is required with --initial-position AT_TIMESTAMP");
        require(maxRecordsPerShard >= 1 && maxRecordsPerShard <= 10_000, "--max-records-per-shard",
                "must be in [1,10000], got " + maxRecordsPerShard);
        require(shufflePartitions >= 1, "--shuffle-partitions", "must be >= 1, got " + shufflePartitions);
        require(ttlDays >= 1, "--ttl-days", "must be >= 1, got " + ttlDays);
        require(warmupWindows >= 1, "--warmup-windows", "must be >= 1, got " + warmupWindows);
        require(duration != null && !duration.isNegative(), "--duration", "must be >= 0, got " + duration);
        require(master == null || SPARK_MASTER.matcher(master).matches(), "--master",
                "must be local, local[N], local[*], yarn, or a spark://, k8s:// or mesos:// URL, got '" + master + "'");
        require(maxFutureSkew != null && maxFutureSkew.compareTo(Duration.ofSeconds(1)) >= 0
                && maxFutureSkew.compareTo(MAX_FUTURE_SKEW_LIMIT) <= 0, "--max-future-skew",
                "must be in [1s, " + MAX_FUTURE_SKEW_LIMIT.toHours() + "h], got " + maxFutureSkew);
    }

    /** The master URLs Spark 3.5 parses (SparkContext.createTaskScheduler); anything else fails inside Spark. */
    private static final java.util.regex.Pattern SPARK_MASTER = java.util.regex.Pattern.compile(
            "local(\\[(\\d+|\\*)(,\\d+)?])?|local-cluster\\[\\d+, *\\d+, *\\d+]|yarn|(spark|k8s|mesos)://\\S+");

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String field, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(field + " " + rule);
        }
    }

    /** Parses {@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT10S}). */
    public static Duration parseDuration(String field, String text) {
        return io.sensorpipe.config.DurationText.parse(field, text);
    }
}
