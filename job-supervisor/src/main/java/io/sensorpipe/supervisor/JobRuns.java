package io.sensorpipe.supervisor;

import java.util.List;

/** Submits, inspects and cancels runs of the streaming job on one platform (EMR steps or EMR Serverless job runs). */
public interface JobRuns {
    /** Starts {@code spec}; returns the step id / job-run id. */
    String submit(JobSpec spec);

    RunState state(String runId);

    /** Hard stop (the fallback when a graceful stop did not end the run in time). */
    void cancel(String runId);

    /** Runs named {@code name} that have not ended (there should be at most one). */
    List<String> active(String name);

    /** Where the run's driver logs are, for operators. */
    String logLocation(String runId, String logUri);

    static JobRuns forSpec(JobSpec spec, Clients clients) {
        return spec.platform() == JobSpec.Platform.EMR_EC2
                ? new EmrStepRuns(clients.emr(), spec.target())
                : new EmrServerlessRuns(clients.emrServerless(), spec.target());
    }
}
