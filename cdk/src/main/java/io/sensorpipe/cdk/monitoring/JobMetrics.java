package io.sensorpipe.cdk.monitoring;

/**
 * Custom metrics the streaming job publishes once per micro-batch (its {@code --cloudwatch-namespace}, from context
 * {@code metricsNamespace}, default {@code Sensorpipe}), each with one dimension {@code Stream} = the stream name.
 * The dashboard and alarms read exactly these names.
 */
public final class JobMetrics {
    /** The one dimension of every job metric: the Kinesis stream name (so two pipelines in an account differ). */
    public static final String STREAM_DIMENSION = "Stream";
    /** Readings read from Kinesis in the batch (Count). */
    public static final String RECORDS_READ = "RecordsRead";
    /** Window results written to DynamoDB (Count). */
    public static final String WINDOWS_WRITTEN = "WindowsWritten";
    /** Windows scored as anomalous (Count). */
    public static final String ANOMALIES = "Anomalies";
    /** Readings rejected by validation and written to dead letters (Count). */
    public static final String DEAD_LETTERED = "DeadLettered";
    /** Readings dropped behind the watermark (Count). */
    public static final String LATE_READINGS = "LateReadings";
    /** Wall time of one micro-batch (Milliseconds): the job's lag signal. */
    public static final String BATCH_LATENCY_MS = "BatchLatencyMs";

    private JobMetrics() {
    }
}
