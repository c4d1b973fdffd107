package io.sensorpipe.contract;

import java.util.List;

/**
 * CloudWatch metrics of the pipeline: the one home of every name the streaming job and the supervisor publish and
 * the CDK alarms and dashboard read (a test fails when an alarm names a metric that is not here).
 * Every job metric has the one dimension {@link #STREAM_DIMENSION} = the Kinesis stream name, so two pipelines in
 * an account do not mix.
 */
public final class MetricNames {
    /** Default namespace (the job's {@code --cloudwatch-namespace}, CDK context {@code metricsNamespace}). */
    public static final String DEFAULT_NAMESPACE = "Sensorpipe";
    /** The one dimension of every job metric: the Kinesis stream name. */
    public static final String STREAM_DIMENSION = "Stream";

    // ---- per micro-batch, from the job (Count unless noted)
    /** Readings read from Kinesis (after de-aggregation). Also the heartbeat: a running job publishes it every batch. */
    public static final String RECORDS_READ = "RecordsRead";
    /** Readings that parsed and validated. */
    public static final String RECORDS_PARSED = "RecordsParsed";
    /** Records written to dead letters (any reason). */
    public static final String DEAD_LETTERED = "DeadLettered";
    /** Readings behind the watermark, dead-lettered as LATE. */
    public static final String LATE_READINGS = "LateReadings";
    /** Repeats of an accepted reading, dead-lettered as DUPLICATE. */
    public static final String DUPLICATE_READINGS = "DuplicateReadings";
    /** Window results written to DynamoDB. */
    public static final String WINDOWS_WRITTEN = "WindowsWritten";
    /** Windows scored as anomalous. */
    public static final String ANOMALIES = "Anomalies";
    /** Windows written without a score (the scorer failed on them). */
    public static final String UNSCORED_WINDOWS = "UnscoredWindows";
    /** Sensor models that could not be restored from state and were replaced by a fresh model. */
    public static final String MODEL_RESETS = "ModelResets";
    /** Bytes of state written in the batch (Bytes). */
    public static final String STATE_BYTES_WRITTEN = "StateBytesWritten";
    /** Wall time of one micro-batch (Milliseconds). */
    public static final String BATCH_LATENCY_MS = "BatchLatencyMs";

    // ---- source (Kinesis) metrics, per micro-batch
    /** Max over shards of GetRecords' MillisBehindLatest (Milliseconds): the job's lag behind the stream. */
    public static final String MILLIS_BEHIND_LATEST = "MillisBehindLatest";
    /** Bytes of Kinesis records read (Bytes). */
    public static final String BYTES_READ = "BytesRead";
    /** GetRecords calls made. */
    public static final String GET_RECORDS_CALLS = "GetRecordsCalls";
    /** Kinesis calls throttled (and retried). */
    public static final String READ_THROTTLES = "ReadThrottles";
    /** Driver time to plan the batch (Milliseconds). */
    public static final String PLANNING_TIME_MS = "PlanningTimeMs";
    /** Records lost because a position fell behind the stream's retention (with --fail-on-data-loss false). */
    public static final String DATA_LOSS_EVENTS = "DataLossEvents";

    // ---- job supervisor
    /** Automatic restarts of the streaming job by the supervisor. */
    public static final String JOB_RESTARTS = "JobRestarts";
    /** The supervisor gave up: restarts reached their cap. */
    public static final String JOB_RESTARTS_EXHAUSTED = "JobRestartsExhausted";

    /** Every metric the job publishes per batch. */
    public static final List<String> JOB_METRICS = List.of(RECORDS_READ, RECORDS_PARSED, DEAD_LETTERED, LATE_READINGS,
            DUPLICATE_READINGS, WINDOWS_WRITTEN, ANOMALIES, UNSCORED_WINDOWS, MODEL_RESETS, STATE_BYTES_WRITTEN,
            BATCH_LATENCY_MS, MILLIS_BEHIND_LATEST, BYTES_READ, GET_RECORDS_CALLS, READ_THROTTLES, PLANNING_TIME_MS,
            DATA_LOSS_EVENTS);

    /** Every metric name in this class (the job's and the supervisor's). */
    public static final List<String> ALL = java.util.stream.Stream.concat(JOB_METRICS.stream(),
            java.util.stream.Stream.of(JOB_RESTARTS, JOB_RESTARTS_EXHAUSTED)).toList();

    private MetricNames() {
    }
}
