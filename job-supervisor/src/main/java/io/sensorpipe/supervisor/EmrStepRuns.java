package io.sensorpipe.supervisor;

import java.util.List;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emr.model.ActionOnFailure;
import software.amazon.awssdk.services.emr.model.HadoopJarStepConfig;
import software.amazon.awssdk.services.emr.model.StepCancellationOption;
import software.amazon.awssdk.services.emr.model.StepConfig;
import software.amazon.awssdk.services.emr.model.StepState;
import software.amazon.awssdk.services.emr.model.StepSummary;

/** The job as a step of a long-running EMR on EC2 cluster ({@code command-runner.jar spark-submit ...}). */
public final class EmrStepRuns implements JobRuns {
    private final EmrClient emr;
    private final String clusterId;

    public EmrStepRuns(EmrClient emr, String clusterId) {
        this.emr = emr;
        this.clusterId = clusterId;
    }

    @Override
    public String submit(JobSpec spec) {
        // CONTINUE: a failed job must not terminate the cluster; the supervisor restarts it.
        StepConfig step = StepConfig.builder()
                .name(spec.name())
                .actionOnFailure(ActionOnFailure.CONTINUE)
                .hadoopJarStep(HadoopJarStepConfig.builder().jar("command-runner.jar").args(spec.args()).build())
                .build();
        return emr.addJobFlowSteps(r -> r.jobFlowId(clusterId).steps(step)).stepIds().get(0);
    }

    @Override
    public RunState state(String runId) {
        var status = emr.describeStep(r -> r.clusterId(clusterId).stepId(runId)).step().status();
        var failure = status.failureDetails();
        String why = failure == null ? null : java.util.stream.Stream.of(failure.reason(), failure.message(),
                        failure.logFile() == null ? null : "(" + failure.logFile() + ")")
                .filter(p -> p != null && !p.isBlank()).collect(java.util.stream.Collectors.joining(" "));
        return RunState.of(runId, status.stateAsString(), why);
    }

    @Override
    public void cancel(String runId) {
        // SEND_INTERRUPT lets spark-submit's shutdown hook stop the query; a cancel can still cut a batch, which the
        // checkpoint re-runs deterministically on the next start.
        emr.cancelSteps(r -> r.clusterId(clusterId).stepIds(runId).stepCancellationOption(StepCancellationOption.SEND_INTERRUPT));
    }

    @Override
    public List<String> active(String name) {
        return emr.listStepsPaginator(r -> r.clusterId(clusterId).stepStates(StepState.PENDING, StepState.RUNNING, StepState.CANCEL_PENDING))
                .steps().stream()
                .filter(step -> name.equals(step.name()))
                .map(StepSummary::id)
                .toList();
    }

    @Override
    public String logLocation(String runId, String logUri) {
        String base = logUri == null ? "s3://<emr-logs-bucket>/emr/" : logUri;
        return base + clusterId + "/steps/" + runId + "/ (stderr.gz, stdout.gz); Spark driver: " + base + clusterId + "/containers/";
    }
}
