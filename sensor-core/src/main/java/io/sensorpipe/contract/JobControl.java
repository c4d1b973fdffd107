package io.sensorpipe.contract;

/**
 * How the streaming job is told to stop gracefully: the deployer (job-supervisor's {@code JobDeployer}) writes a
 * stop-marker object next to the checkpoint, the job's {@code StopMarkerWatcher} sees it, lets the running
 * micro-batch finish and stops the query. Only a marker written after the job started counts, so a stale one never
 * stops a new job. The marker sits beside the checkpoint (same bucket, same key prefix), so the job's existing
 * checkpoint permissions cover it.
 */
public final class JobControl {
    /** Appended to the checkpoint location, without its trailing slash: {@code s3://b/checkpoints/} → {@code s3://b/checkpoints.stop}. */
    public static final String STOP_MARKER_SUFFIX = ".stop";
    /**
     * Spark's commit log under the checkpoint: one object per committed micro-batch, named by the batch id. The deployer
     * reads it to tell a new version that commits from one that does not.
     */
    public static final String COMMITS_DIR = "commits";

    /** Attribute names of the supervisor's state item (one per job). */
    public static final class State {
        public static final String DEFAULT_TABLE = "sensorpipe-job-state";
        /** Partition key: the job's name (its step / job-run name). */
        public static final String JOB = "job";
        /** The step id or job-run id that is the job now. */
        public static final String RUN_ID = "runId";
        /** RUNNING (the supervisor restarts it when it ends) or STOPPED (an operator or a delete stopped it). */
        public static final String DESIRED = "desired";
        /** Restarts in the current streak, and when the streak started (epoch seconds). */
        public static final String RESTARTS = "restarts";
        public static final String STREAK_FROM = "streakFrom";
        /** The job spec the deployer submitted (JSON), re-submitted on restart. */
        public static final String SPEC = "spec";
        public static final String UPDATED_AT = "updatedAt";

        private State() {
        }
    }

    /** The supervisor Lambdas' environment variables, set by CDK, read by job-supervisor's {@code Settings}. */
    public static final class Env {
        public static final String STATE_TABLE = "JOB_STATE_TABLE";
        public static final String OPS_TOPIC_ARN = "OPS_TOPIC_ARN";
        public static final String METRICS_NAMESPACE = "METRICS_NAMESPACE";
        public static final String STREAM_NAME = "STREAM_NAME";
        public static final String MAX_RESTARTS = "MAX_RESTARTS";
        public static final String BACKOFF_BASE_SECONDS = "BACKOFF_BASE_SECONDS";
        public static final String BACKOFF_MAX_SECONDS = "BACKOFF_MAX_SECONDS";
        public static final String RESTART_WINDOW_SECONDS = "RESTART_WINDOW_SECONDS";
        public static final String GRACEFUL_STOP_SECONDS = "GRACEFUL_STOP_SECONDS";
        /** How long an update's deploy waits at most for the new version to commit a micro-batch; 0: no check. */
        public static final String DEPLOY_CHECK_SECONDS = "DEPLOY_CHECK_SECONDS";

        private Env() {
        }
    }

    /**
     * The properties of the job's CloudFormation custom resource ({@code Custom::SensorpipeStreamingJob}), written by
     * CDK, read by job-supervisor's {@code JobDeployer}; and the attribute it answers with.
     */
    public static final class Deploy {
        public static final String NAME = "Name";
        public static final String STOP_MARKER = "StopMarker";
        /** {@code EMR_EC2} or {@code EMR_SERVERLESS}. */
        public static final String PLATFORM = "Platform";
        /** The cluster id or the serverless application id. */
        public static final String TARGET = "Target";
        public static final String ARGS = "Args";
        public static final String ENTRY_POINT = "EntryPoint";
        public static final String SPARK_SUBMIT_PARAMETERS = "SparkSubmitParameters";
        public static final String EXECUTION_ROLE_ARN = "ExecutionRoleArn";
        public static final String LOG_URI = "LogUri";
        /** The custom resource's answer: the step or job-run id deployed. */
        public static final String RUN_ID = "RunId";

        private Deploy() {
        }
    }

    /** The supervisor's state table: one item per job. */
    public static final TableSpec STATE_TABLE = new TableSpec(State.DEFAULT_TABLE,
            new TableSpec.Key(State.JOB, TableSpec.KeyType.STRING), null, java.util.List.of(), false, null);

    private JobControl() {
    }

    /** The checkpoint location (without a trailing slash) of the job whose stop marker is {@code stopMarker}. */
    public static String checkpointOf(String stopMarker) {
        if (stopMarker == null || !stopMarker.endsWith(STOP_MARKER_SUFFIX) || stopMarker.length() == STOP_MARKER_SUFFIX.length()) {
            throw new IllegalArgumentException("not a stop marker (<checkpoint>" + STOP_MARKER_SUFFIX + "): '" + stopMarker + "'");
        }
        return stopMarker.substring(0, stopMarker.length() - STOP_MARKER_SUFFIX.length());
    }

    /** The stop marker of the job that checkpoints to {@code checkpoint}. */
    public static String stopMarkerFor(String checkpoint) {
        if (checkpoint == null || checkpoint.isBlank()) {
            throw new IllegalArgumentException("checkpoint location is empty: pass the job's --checkpoint");
        }
        String trimmed = checkpoint.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed + STOP_MARKER_SUFFIX;
    }
}
