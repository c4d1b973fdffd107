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
