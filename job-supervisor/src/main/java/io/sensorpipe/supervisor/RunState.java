package io.sensorpipe.supervisor;

/**
 * The state of one step / job run, reduced to what the lifecycle needs. {@code why}: what the platform says about a
 * failure (EMR's FailureDetails, which EMR extracts from the step's log; EMR Serverless' stateDetails), or null.
 */
public record RunState(String runId, String state, boolean ended, String why) {
    /** EMR step states (PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, INTERRUPTED, CANCEL_PENDING) and EMR Serverless
     * job-run states (SUBMITTED, PENDING, SCHEDULED, RUNNING, SUCCESS, FAILED, CANCELLING, CANCELLED, QUEUED). */
    public static boolean isEnded(String state) {
        return switch (state) {
            case "COMPLETED", "CANCELLED", "FAILED", "INTERRUPTED", "SUCCESS" -> true;
            default -> false;
        };
    }

    public static RunState of(String runId, String state) {
        return of(runId, state, null);
    }

    public static RunState of(String runId, String state, String why) {
        return new RunState(runId, state, isEnded(state), why == null || why.isBlank() ? null : why.strip());
    }
}
