package io.sensorpipe.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorpipe.contract.JobControl;
import io.sensorpipe.supervisor.JobController.Outcome;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.emr.model.StepSummary;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The lifecycle against the local cloud's EMR and EMR Serverless APIs (moto, over HTTP): deploy, restart with a cap,
 * the ops topic hearing it, and refusing a second step on the checkpoint when the first one does not stop. moto's
 * steps never leave RUNNING and its CancelSteps fails, which is exactly the "old job will not stop" case.
 */
class JobControllerIT {
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String TABLE = "job-state-" + SUFFIX;
    private static final String BUCKET = "job-state-" + SUFFIX;
    private static Clients clients;
    private static SqsClient sqs;
    private static String topicArn;
    private static String queueUrl;
    private static String clusterId;
    private static String applicationId;

    @BeforeAll
    static void localCloud() {
        String endpoint = System.getenv("AWS_ENDPOINT_URL");
        assertThat(endpoint).as("AWS_ENDPOINT_URL (eval \"$(localstack/local-cloud.sh env)\")").isNotBlank();
        assertThat(URI.create(endpoint).getHost()).as("the local cloud is on loopback").isIn("127.0.0.1", "localhost");
        clients = new Clients();
        sqs = SqsClient.create();
        clients.dynamoDb().createTable(r -> r.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName(JobControl.STATE_TABLE.partitionKey().name()).keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName(JobControl.STATE_TABLE.partitionKey().name()).attributeType(ScalarAttributeType.S)));
        clients.s3().createBucket(r -> r.bucket(BUCKET));
        topicArn = clients.sns().createTopic(r -> r.name("ops-" + SUFFIX)).topicArn();
        queueUrl = sqs.createQueue(r -> r.queueName("ops-" + SUFFIX)).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
        clients.sns().subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn).attributes(Map.of("RawMessageDelivery", "true")));
        clusterId = clients.emr().runJobFlow(r -> r.name("streaming-" + SUFFIX).releaseLabel("emr-7.12.0")
                .serviceRole("EMR_DefaultRole").jobFlowRole("EMR_EC2_DefaultRole")
                .instances(i -> i.instanceCount(1).masterInstanceType("m7g.xlarge").keepJobFlowAliveWhenNoSteps(true))).jobFlowId();
        applicationId = clients.emrServerless().createApplication(r -> r.name("streaming-" + SUFFIX).releaseLabel("emr-7.12.0").type("SPARK"))
                .applicationId();
    }

    @AfterAll
    static void cleanUp() {
        if (clients == null) {
            return;
        }
        clients.emr().terminateJobFlows(r -> r.jobFlowIds(clusterId));
        clients.dynamoDb().deleteTable(r -> r.tableName(TABLE));
        sqs.deleteQueue(r -> r.queueUrl(queueUrl));
        clients.sns().deleteTopic(r -> r.topicArn(topicArn));
        sqs.close();
        clients.close();
    }

    private static JobController controller(int maxRestarts, Duration gracefulStop) {
        return new JobController(spec -> JobRuns.forSpec(spec, clients), new JobStateStore(clients.dynamoDb(), TABLE),
                new StopMarker(clients.s3()), new OpsChannel(clients.sns(), topicArn, System.out, "SensorpipeTest", "readings-" + SUFFIX),
                new RestartPolicy(maxRestarts, Duration.ZERO, Duration.ZERO, Duration.ofHours(6)), Clock.systemUTC(),
                duration -> Thread.sleep(duration.toMillis()), gracefulStop, Duration.ofMillis(200));
    }

    private static JobSpec emrSpec(String name, String version) {
        return new JobSpec(JobSpec.Platform.EMR_EC2, clusterId, name,
                List.of("spark-submit", "--deploy-mode", "cluster", "--class", JobControl.class.getName(), "s3://assets/job-" + version + ".jar",
                        "--stream", "readings"),
                null, null, null, "s3://logs/emr/", JobControl.stopMarkerFor("s3://" + BUCKET + "/checkpoints/"));
    }

    private static List<StepSummary> steps(String name) {
        return clients.emr().listSteps(r -> r.clusterId(clusterId)).steps().stream().filter(s -> s.name().equals(name)).toList();
    }

    @Test
    void emrStepThatEndsIsRestartedWithTheSameArgumentsUntilTheCapThenTheOpsTopicHearsItIsDown() throws Exception {
        String job = "job-restart-" + SUFFIX;
        JobController controller = controller(2, Duration.ofSeconds(1));
        String first = controller.deploy(emrSpec(job, "v1"));
        assertThat(steps(job)).extracting(StepSummary::id).containsExactly(first);

        assertThat(controller.onRunEnded(job, first, "FAILED")).isEqualTo(Outcome.RESTARTED);
        List<StepSummary> afterRestart = steps(job);
        assertThat(afterRestart).hasSize(2);
        StepSummary second = afterRestart.stream().filter(s -> !s.id().equals(first)).findFirst().orElseThrow();
        assertThat(second.config().args()).isEqualTo(emrSpec(job, "v1").args());
        assertThat(second.actionOnFailureAsString()).isEqualTo("CONTINUE");

        // A duplicate delivery of the same event, or the end of a run that is no longer the job, changes nothing.
        assertThat(controller.onRunEnded(job, first, "FAILED")).isEqualTo(Outcome.IGNORED);
        assertThat(controller.onRunEnded(job, second.id(), "RUNNING")).isEqualTo(Outcome.IGNORED);
        assertThat(steps(job)).hasSize(2);

        assertThat(controller.onRunEnded(job, second.id(), "CANCELLED")).isEqualTo(Outcome.RESTARTED);
        String third = new JobStateStore(clients.dynamoDb(), TABLE).get(job).orElseThrow().runId();
        assertThat(controller.onRunEnded(job, third, "FAILED")).isEqualTo(Outcome.GAVE_UP);
        assertThat(steps(job)).hasSize(3);
        assertThat(controller.status(job)).contains("restarts=2", "run=" + third, "desired=RUNNING", "/steps/" + third);

        List<String> subjects = opsMessages(3);
        assertThat(String.join("\n", subjects)).contains("ended FAILED; started", "ended CANCELLED; started", "gives up (cap 2 per");
    }

    @Test
    void anUpdateNeverStartsASecondStepWhileTheRunningOneDoesNotStop() throws Exception {
        String job = "job-update-" + SUFFIX;
        JobController controller = controller(2, Duration.ofSeconds(1));
        String first = controller.deploy(emrSpec(job, "v1"));

        assertThatThrownBy(() -> controller.deploy(emrSpec(job, "v2"))).isInstanceOf(RuntimeException.class);
        assertThat(steps(job)).extracting(StepSummary::id).containsExactly(first);
        // The stop marker does not outlive the attempt (a stale one must not stop the next job).
        assertThat(clients.s3().listObjectsV2(r -> r.bucket(BUCKET).prefix("checkpoints")).contents()).isEmpty();
        // The job is marked stopping: its end is not restarted behind the failed deploy's back.
        assertThat(controller.onRunEnded(job, first, "FAILED")).isEqualTo(Outcome.IGNORED);
    }

    @Test
    void emrServerlessJobRunIsStartedAsStreamingAndRestartedFromTheStoredSpec() throws Exception {
        String job = "job-serverless-" + SUFFIX;
        JobController controller = controller(1, Duration.ofSeconds(1));
        JobSpec spec = new JobSpec(JobSpec.Platform.EMR_SERVERLESS, applicationId, job, List.of("--stream", "readings"),
                "s3://assets/job.jar", "--class io.sensorpipe.job.StreamingJobMain", "arn:aws:iam::000000000000:role/job",
                "s3://logs/emr-serverless/", JobControl.stopMarkerFor("s3://" + BUCKET + "/checkpoints/"));
        String first = controller.deploy(spec);
        assertThat(controller.onRunEnded(job, first, "FAILED")).isEqualTo(Outcome.RESTARTED);
        String second = new JobStateStore(clients.dynamoDb(), TABLE).get(job).orElseThrow().runId();
        assertThat(second).isNotEqualTo(first);
        var run = clients.emrServerless().getJobRun(r -> r.applicationId(applicationId).jobRunId(second)).jobRun();
        assertThat(run.jobDriver().sparkSubmit().entryPoint()).isEqualTo("s3://assets/job.jar");
        assertThat(run.jobDriver().sparkSubmit().entryPointArguments()).containsExactly("--stream", "readings");
        assertThat(run.executionRole()).isEqualTo("arn:aws:iam::000000000000:role/job");
        assertThat(controller.onRunEnded(job, second, "FAILED")).isEqualTo(Outcome.GAVE_UP);

        // (moto's ListJobRuns answers "application does not exist", so the operator stop, which lists the
        // application's active runs, is covered on EMR only.)
    }

    @Test
    void supervisorReadsEventBridgeEventsAndOperatorActions() throws Exception {
        String job = "job-events-" + SUFFIX;
        JobController controller = controller(1, Duration.ofSeconds(1));
        String first = controller.deploy(emrSpec(job, "v1"));
        // The shape EventBridge delivers for EMR (detail as documented for "EMR Step Status Change").
        Map<String, Object> event = Map.of("source", "aws.emr", "detail-type", "EMR Step Status Change",
                "detail", Map.of("severity", "ERROR", "actionOnFailure", "CONTINUE", "stepId", first, "name", job,
                        "clusterId", clusterId, "state", "FAILED", "message", "Step failed"));
        assertThat(JobSupervisor.handle(controller, event)).containsEntry("outcome", "RESTARTED");
        assertThat(JobSupervisor.handle(controller, event)).containsEntry("outcome", "IGNORED");
        assertThat(String.valueOf(JobSupervisor.handle(controller, Map.of("action", "status", "job", job))))
                .contains("desired=RUNNING", "restarts=1");
        assertThatThrownBy(() -> JobSupervisor.handle(controller, Map.of("action", "reboot", "job", job)))
                .hasMessageContaining("status, stop, start or restart");
    }

    private static List<String> opsMessages(int atLeast) throws InterruptedException {
        java.util.ArrayList<String> bodies = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (bodies.size() < atLeast && System.nanoTime() < deadline) {
            sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()
                    .forEach(m -> bodies.add(m.body()));
        }
        return bodies;
    }
}
