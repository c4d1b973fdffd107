package io.sensorpipe.supervisor;

import java.util.List;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.emrserverless.model.ConfigurationOverrides;
import software.amazon.awssdk.services.emrserverless.model.JobDriver;
import software.amazon.awssdk.services.emrserverless.model.JobRunMode;
import software.amazon.awssdk.services.emrserverless.model.JobRunState;
import software.amazon.awssdk.services.emrserverless.model.JobRunSummary;
import software.amazon.awssdk.services.emrserverless.model.MonitoringConfiguration;
import software.amazon.awssdk.services.emrserverless.model.S3MonitoringConfiguration;
import software.amazon.awssdk.services.emrserverless.model.SparkSubmit;

/** The job as a STREAMING job run of an EMR Serverless application. */
public final class EmrServerlessRuns implements JobRuns {
    private final EmrServerlessClient client;
    private final String applicationId;

    public EmrServerlessRuns(EmrServerlessClient client, String applicationId) {
        this.client = client;
        this.applicationId = applicationId;
    }

    @Override
    public String submit(JobSpec spec) {
        SparkSubmit.Builder submit = SparkSubmit.builder().entryPoint(spec.entryPoint()).entryPointArguments(spec.args());
        if (spec.sparkSubmitParameters() != null && !spec.sparkSubmitParameters().isBlank()) {
            submit.sparkSubmitParameters(spec.sparkSubmitParameters());
        }
        ConfigurationOverrides.Builder overrides = ConfigurationOverrides.builder();
        if (spec.logUri() != null && !spec.logUri().isBlank()) {
            overrides.monitoringConfiguration(MonitoringConfiguration.builder()
                    .s3MonitoringConfiguration(S3MonitoringConfiguration.builder().logUri(spec.logUri()).build()).build());
        }
        return client.startJobRun(r -> r.applicationId(applicationId)
                .name(spec.name())
                .executionRoleArn(spec.executionRoleArn())
                .mode(JobRunMode.STREAMING)
                .jobDriver(JobDriver.builder().sparkSubmit(submit.build()).build())
                .configurationOverrides(overrides.build())
                // EMR Serverless' own retry of a streaming run stays off: the supervisor's backoff and cap rule.
                .retryPolicy(p -> p.maxFailedAttemptsPerHour(1))).jobRunId();
    }

    @Override
    public RunState state(String runId) {
        var run = client.getJobRun(r -> r.applicationId(applicationId).jobRunId(runId)).jobRun();
        return RunState.of(runId, run.stateAsString(), run.stateDetails());
    }

    @Override
    public void cancel(String runId) {
        client.cancelJobRun(r -> r.applicationId(applicationId).jobRunId(runId));
    }

    @Override
    public List<String> active(String name) {
        return client.listJobRunsPaginator(r -> r.applicationId(applicationId).states(JobRunState.SUBMITTED, JobRunState.PENDING,
                        JobRunState.SCHEDULED, JobRunState.RUNNING, JobRunState.QUEUED, JobRunState.CANCELLING))
                .jobRuns().stream()
                .filter(run -> name.equals(run.name()))
                .map(JobRunSummary::id)
                .toList();
    }

    @Override
    public String logLocation(String runId, String logUri) {
        String base = logUri == null ? "s3://<emr-logs-bucket>/emr-serverless/" : logUri;
        return base + "applications/" + applicationId + "/jobs/" + runId + "/SPARK_DRIVER/ (stderr.gz, stdout.gz)";
    }
}
