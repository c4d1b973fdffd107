package io.sensorpipe.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorpipe.contract.JobControl;
import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.supervisor.JobController.Outcome;
import io.sensorpipe.testkit.AwsCallRecorder;
import io.sensorpipe.testkit.TestCloud;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.emr.model.StepSummary;

/**
 * The lifecycle against the local cloud's EMR and EMR Serverless APIs (moto, over HTTP): deploy, restart with a cap,
 * the ops topic hearing it, and refusing a second step on the checkpoint when the first one does not stop. moto's
 * steps never leave RUNNING and its CancelSteps fails, which is exactly the "old job will not stop" case.
 */
class JobControllerIT {
    private static TestCloud cloud;
    private static Clients clients;
    private static String suffix;
    private static String table;
    private static String bucket;
    private static String topicArn;
    private static String queueUrl;
    private static String clusterId;
    private static String applicationId;

    @BeforeAll
    static void localCloud() {
        // The shared fixture: loopback endpoints only, unique names, deletes what it created.
        cloud = TestCloud.connect();
        suffix = cloud.suffix();
        clients = new Clients();
        table = cloud.createTable(JobControl.STATE_TABLE, "job-state").table().tableName();
        bucket = cloud.createBucket("job-state");
        topicArn = cloud.createTopic("ops");
        queueUrl = cloud.createQueue("ops");
        cloud.subscribe(topicArn, queueUrl);
        clusterId = clients.emr().runJobFlow(r -> r.name("streaming-" + suffix).releaseLabel("emr-7.12.0")
                .serviceRole("EMR_DefaultRole").jobFlowRole("EMR_EC2_DefaultRole")
                .instances(i -> i.instanceCount(1).masterInstanceType("m7g.xlarge").keepJobFlowAliveWhenNoSteps(true))).jobFlowId();
        cloud.deleteOnClose(() -> clients.emr().terminateJobFlows(r -> r.jobFlowIds(clusterId)));
        applicationId = clients.emrServerless().createApplication(r -> r.name("streaming-" + suffix).releaseLabel("emr-7.12.0").type("SPARK"))
                .applicationId();
    }

    @AfterAll
    static void cleanUp() {
        if (cloud != null) {
            cloud.close();
        }
        if (clients != null) {
            clients.close();
        }
    }

    private static JobController controller(int maxRestarts, Duration gracefulStop) {
        return new JobController(spec -> JobRuns.forSpec(spec, clients), new JobStateStore(clients.dynamoDb(), table),
                new StopMarker(clients.s3()), new CommitLog(clients.s3()), new OpsChannel(clients.sns(), topicArn, System.out, "SensorpipeTest", "readings-" + suffix),
                new RestartPolicy(maxRestarts, Duration.ZERO, Duration.ZERO, Duration.ofHours(6)), Clock.systemUTC(),
                duration -> Thread.sleep(duration.toMillis()), gracefulStop, Duration.ofMillis(200));
    }

    private static JobSpec emrSpec(String name, String version) {
        return new JobSpec(JobSpec.Platform.EMR_EC2, clusterId, name,
                List.of("spark-submit", "--deploy-mode", "cluster", "--class", JobControl.class.getName(), "s3://assets/job-" + version + ".jar",
                        "--stream", "readings"),
                null, null, null, "s3://logs/emr/", JobControl.stopMarkerFor("s3://" + bucket + "/checkpoints/"));
    }

    private static List<StepSummary> steps(String name) {
        return clients.emr().listSteps(r -> r.clusterId(clusterId)).steps().stream().filter(s -> s.name().equals(name)).toList();
    }

    @Test
    void emrStepThatEndsIsRestartedWithTheSameArgumentsUntilTheCapThenTheOpsTopicHearsItIsDown() throws Exception {
        String job = "job-restart-" + suffix;
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
        String third = new JobStateStore(clients.dynamoDb(), table).get(job).orElseThrow().runId();
        assertThat(controller.onRunEnded(job, third, "FAILED")).isEqualTo(Outcome.GAVE_UP);
        assertThat(steps(job)).hasSize(3);
        assertThat(controller.status(job)).contains("restarts=2", "run=" + third, "desired=RUNNING", "/steps/" + third);

        List<String> subjects = opsMessages(3);
        assertThat(String.join("\n", subjects)).contains("ended FAILED; started", "ended CANCELLED; started", "gives up (cap 2 per");
    }

    @Test
    void anUpdateNeverStartsASecondStepWhileTheRunningOneDoesNotStop() throws Exception {
        String job = "job-update-" + suffix;
        JobController controller = controller(2, Duration.ofSeconds(1));
        String first = controller.deploy(emrSpec(job, "v1"));

        assertThatThrownBy(() -> controller.deploy(emrSpec(job, "v2"))).isInstanceOf(RuntimeException.class);
        assertThat(steps(job)).extracting(StepSummary::id).containsExactly(first);
        // The stop marker does not outlive the attempt (a stale one must not stop the next job).
        assertThat(clients.s3().listObjectsV2(r -> r.bucket(bucket).prefix("checkpoints")).contents()).isEmpty();
        // The job is marked stopping: its end is not restarted behind the failed deploy's back.
        assertThat(controller.onRunEnded(job, first, "FAILED")).isEqualTo(Outcome.IGNORED);
    }

    @Test
    void aDeployToAReplacedClusterRefusesToSubmitWhileTheRunOnTheOldClusterDoesNotStop() throws Exception {
        // CloudFormation creates the replacement cluster first; the old one still runs the job on the checkpoint
        String replacement = clients.emr().runJobFlow(r -> r.name("replacement-" + suffix).releaseLabel("emr-7.12.0")
                .serviceRole("EMR_DefaultRole").jobFlowRole("EMR_EC2_DefaultRole")
                .instances(i -> i.instanceCount(1).masterInstanceType("m7g.xlarge").keepJobFlowAliveWhenNoSteps(true)))
                .jobFlowId();
        cloud.deleteOnClose(() -> clients.emr().terminateJobFlows(r -> r.jobFlowIds(replacement)));
        String job = "job-replaced-" + suffix;
        JobController controller = controller(2, Duration.ofSeconds(1));
        String first = controller.deploy(emrSpec(job, "v1"));
        JobSpec onReplacement = new JobSpec(JobSpec.Platform.EMR_EC2, replacement, job, emrSpec(job, "v2").args(),
                null, null, null, "s3://logs/emr/", emrSpec(job, "v2").stopMarker());

        // moto's step does not stop: the deploy fails rather than start a second job on another cluster
        assertThatThrownBy(() -> controller.deploy(onReplacement)).hasMessageContaining(clusterId)
                .hasMessageContaining("scripts/job stop");
        assertThat(clients.emr().listSteps(r -> r.clusterId(replacement)).steps()).isEmpty();
        assertThat(steps(job)).extracting(StepSummary::id).containsExactly(first);
    }

    @Test
    void aRestartWhoseRecordFailsCancelsTheRunItSubmittedSoTheEventsRetryDoesNotLeaveTwo() throws Exception {
        String job = "job-unrecorded-" + suffix;
        String ownTable = cloud.createTable(JobControl.STATE_TABLE, "job-state-unrecorded").table().tableName();
        JobStateStore store = new JobStateStore(clients.dynamoDb(), ownTable);
        List<String> cancelled = new ArrayList<>();
        int[] submitted = {0};
        JobRuns runs = new ScriptedRuns() {
            @Override
            public String submit(JobSpec spec) {
                if (submitted[0] == 1) { // the restart: its state table goes away before the restart is recorded
                    clients.dynamoDb().deleteTable(r -> r.tableName(ownTable));
                }
                return "j-REC-run-" + submitted[0]++;
            }

            @Override
            public RunState state(String runId) {
                return RunState.of(runId, cancelled.contains(runId) ? "CANCELLED" : "RUNNING");
            }

            @Override
            public void cancel(String runId) {
                cancelled.add(runId);
            }
        };
        JobController controller = scripted(new HashMap<>(Map.of("j-REC", runs)), store);
        String first = controller.deploy(new JobSpec(JobSpec.Platform.EMR_EC2, "j-REC", job, List.of("v1"), null, null,
                null, "s3://logs/", JobControl.stopMarkerFor("s3://" + bucket + "/checkpoints/")));

        assertThatThrownBy(() -> controller.onRunEnded(job, first, "FAILED")).isInstanceOf(RuntimeException.class);
        assertThat(cancelled).as("the run it could not record").containsExactly("j-REC-run-1");
    }

    @Test
    void aRestartThePlatformRefusesTellsTheOpsTopicTheJobIsDownAndWhatToCheck() throws Exception {
        String job = "job-gone-" + suffix;
        boolean[] gone = {false};
        JobRuns cluster = new ScriptedRuns() {
            @Override
            public String submit(JobSpec spec) {
                if (gone[0]) {
                    throw new IllegalStateException("A job flow that is shutting down, terminated, or finished may "
                            + "not be modified.");
                }
                return "j-GONE-run-" + System.nanoTime();
            }

            @Override
            public RunState state(String runId) {
                return RunState.of(runId, "CANCELLED", null);
            }
        };
        JobController controller = scripted(new HashMap<>(Map.of("j-GONE", cluster)));
        String first = controller.deploy(new JobSpec(JobSpec.Platform.EMR_EC2, "j-GONE", job, List.of("v1"), null,
                null, null, "s3://logs/", JobControl.stopMarkerFor("s3://" + bucket + "/checkpoints/")));
        gone[0] = true; // the primary node was lost: the cluster terminated with the step

        assertThatThrownBy(() -> controller.onRunEnded(job, first, "CANCELLED")).as("Lambda retries the event")
                .hasMessageContaining("terminated");
        assertThat(opsMessages(1)).anySatisfy(m -> assertThat(m).contains("is not running: restart 1 was refused")
                .contains("terminated, or finished may not be modified").contains("describe-cluster --cluster-id j-GONE")
                .contains("scripts/job restart"));
    }

    @Test
    void theOpsMessageOfARestartSaysWhyTheRunFailedWhenThePlatformSays() throws Exception {
        String job = "job-why-" + suffix;
        String error = "java.lang.IllegalStateException: stream readings was created at 2026-12-04T03:00:00Z, but the "
                + "checkpoint's positions belong to the stream of that name created at 2026-11-01T00:00:00Z";
        JobRuns failing = new ScriptedRuns() {
            @Override
            public String submit(JobSpec spec) {
                return "j-WHY-run-" + System.nanoTime();
            }

            @Override
            public RunState state(String runId) {
                return RunState.of(runId, "FAILED", error);
            }
        };
        JobController controller = scripted(new HashMap<>(Map.of("j-WHY", failing)));
        String first = controller.deploy(new JobSpec(JobSpec.Platform.EMR_EC2, "j-WHY", job, List.of("v1"), null, null,
                null, "s3://logs/", JobControl.stopMarkerFor("s3://" + bucket + "/checkpoints/")));

        assertThat(controller.onRunEnded(job, first, "FAILED")).isEqualTo(Outcome.RESTARTED);
        assertThat(opsMessages(1)).anySatisfy(m -> assertThat(m).contains("Why (from EMR): " + error)
                .contains("Logs of the ended run: s3://logs/" + first));
        assertThat(controller.status(job)).as("scripts/job status").contains("state=FAILED", " why=" + error);
    }

    /** Runs of one target that end once their job's stop marker is in S3, as the job's marker watcher ends them. */
    private static final class MarkerWatchingRuns implements JobRuns {
        private final String target;
        private final Map<String, String> markerOf = new LinkedHashMap<>();
        final Map<String, List<String>> argsOf = new LinkedHashMap<>();
        private final List<String> events;

        MarkerWatchingRuns(String target, List<String> events) {
            this.target = target;
            this.events = events;
        }

        @Override
        public String submit(JobSpec spec) {
            String id = target + "-run-" + markerOf.size();
            markerOf.put(id, spec.stopMarker());
            argsOf.put(id, spec.args());
            events.add("submit " + id);
            return id;
        }

        @Override
        public RunState state(String runId) {
            StopMarker.Location at = StopMarker.Location.parse(markerOf.get(runId));
            boolean stopped;
            try { // the job's watcher looking, not the supervisor: not one of its calls for the IAM coverage test
                stopped = AwsCallRecorder.fixture(() -> !clients.s3().listObjectsV2(r -> r.bucket(at.bucket())
                        .prefix(at.key())).contents().isEmpty());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            if (stopped && !events.contains("ended " + runId)) {
                events.add("ended " + runId);
            }
            return RunState.of(runId, stopped || events.contains("ended " + runId) ? "COMPLETED" : "RUNNING");
        }

        @Override
        public void cancel(String runId) {
            throw new AssertionError("a run that ends on its marker is never cancelled");
        }

        @Override
        public List<String> active(String name) {
            return markerOf.keySet().stream().filter(id -> !state(id).ended()).toList();
        }

        @Override
        public String logLocation(String runId, String logUri) {
            return logUri + runId;
        }
    }

    /**
     * Runs of one target as the job would behave in each version ({@code args}' first element): "broken" fails on start
     * with {@code why}; "commits" commits a micro-batch on its checkpoint (the next id, in the local cloud's S3) when it
     * is first looked at; "slow" runs without committing; "flaky" fails the first look (throttled), then commits;
     * every version ends on its stop marker.
     */
    private static final class VersionedRuns implements JobRuns {
        private final String target;
        private final String why;
        private final Map<String, JobSpec> specOf = new LinkedHashMap<>();
        private final List<String> committed = new ArrayList<>();
        private final List<String> ended = new ArrayList<>(); // the marker is removed once the stop is done
        private final List<String> looked = new ArrayList<>();

        VersionedRuns(String target, String why) {
            this.target = target;
            this.why = why;
        }

        @Override
        public String submit(JobSpec spec) {
            String id = target + "-run-" + specOf.size() + "-" + spec.args().get(0);
            specOf.put(id, spec);
            return id;
        }

        @Override
        public RunState state(String runId) {
            JobSpec spec = specOf.get(runId);
            String version = spec.args().get(0);
            if (version.startsWith("broken")) {
                return RunState.of(runId, "FAILED", why);
            }
            if (version.startsWith("flaky") && !looked.contains(runId)) {
                looked.add(runId);
                throw new IllegalStateException("ThrottlingException: Rate exceeded (DescribeStep)");
            }
            StopMarker.Location marker = StopMarker.Location.parse(spec.stopMarker());
            StopMarker.Location checkpoint = StopMarker.Location.parse(JobControl.checkpointOf(spec.stopMarker()));
            try { // the job's own S3 calls, not the supervisor's: fixtures for the IAM coverage test
                return AwsCallRecorder.fixture(() -> {
                    if ((version.startsWith("commits") || version.startsWith("flaky")) && !committed.contains(runId)) {
                        committed.add(runId);
                        long next = new CommitLog(clients.s3()).newestBatch("s3://" + checkpoint.bucket() + "/"
                                + checkpoint.key()).orElse(-1) + 1;
                        clients.s3().putObject(r -> r.bucket(checkpoint.bucket())
                                        .key(checkpoint.key() + "/" + JobControl.COMMITS_DIR + "/" + next),
                                software.amazon.awssdk.core.sync.RequestBody.fromString("v1\n{\"nextBatchWatermarkMs\":0}"));
                    }
                    if (!clients.s3().listObjectsV2(r -> r.bucket(marker.bucket()).prefix(marker.key())).contents().isEmpty()
                            && !ended.contains(runId)) {
                        ended.add(runId);
                    }
                    return RunState.of(runId, ended.contains(runId) ? "COMPLETED" : "RUNNING");
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void cancel(String runId) {
            throw new AssertionError("a run that ends on its marker is never cancelled");
        }

        @Override
        public List<String> active(String name) {
            return specOf.keySet().stream().filter(id -> !state(id).ended()).toList();
        }

        @Override
        public String logLocation(String runId, String logUri) {
            return logUri + runId;
        }
    }

    @Test
    void anUpdateWhoseNewVersionFailsBeforeCommittingFailsTheDeployWithWhyThenTheRollbackIsNotCheckedAndTheNextUpdateIs()
            throws Exception {
        String error = "java.lang.IllegalArgumentException: --window 0s: must be at least 1s";
        JobController controller = scripted(new HashMap<>(Map.of("j-GATE", new VersionedRuns("j-GATE", error))));
        String job = "job-gate-" + suffix;
        // its own state bucket: the job's layout (checkpoints/, checkpoints.stop) without the other tests' marker
        String gateBucket = cloud.createBucket("job-state");
        String checkpoint = "s3://" + gateBucket + "/checkpoints/";
        AwsCallRecorder.fixture(() -> { // the previous version's commits: batches 0..4
            for (int b = 0; b < 5; b++) {
                String key = "checkpoints/" + JobControl.COMMITS_DIR + "/" + b;
                clients.s3().putObject(r -> r.bucket(gateBucket).key(key),
                        software.amazon.awssdk.core.sync.RequestBody.fromString("v1"));
            }
            return null;
        });
        java.util.function.Function<String, JobSpec> version = v -> new JobSpec(JobSpec.Platform.EMR_EC2, "j-GATE", job,
                List.of(v), null, null, null, "s3://logs/", JobControl.stopMarkerFor(checkpoint));
        deployFailedCheckRollBackAndDeployAgain(controller, job, version, error);
    }

    private static void deployFailedCheckRollBackAndDeployAgain(JobController controller, String job,
            java.util.function.Function<String, JobSpec> version, String error) throws Exception {
        controller.deploy(version.apply("commits-v1"));

        JobController.Deployment broken = controller.deployment(version.apply("broken-v2"));
        assertThat(broken.committedBefore()).as("the old version's newest commit when v2 was submitted").hasValue(5);
        assertThatThrownBy(() -> JobDeployer.checkUpdate(controller, version.apply("broken-v2"), broken,
                "UPDATE_IN_PROGRESS", Duration.ofSeconds(30)))
                .hasMessageContaining("run " + broken.runId() + " ended FAILED before committing a micro-batch")
                .hasMessageContaining("deploys the previous version again")
                .hasMessageContaining("Logs: s3://logs/" + broken.runId())
                .hasMessageContaining("Why (from EMR): " + error);
        // a version that cannot run is not restarted by the supervisor while CloudFormation rolls back
        assertThat(controller.status(job)).contains("desired=STOPPED", "run=" + broken.runId());
        assertThat(controller.onRunEnded(job, broken.runId(), "FAILED")).isEqualTo(Outcome.IGNORED);

        // CloudFormation's rollback: the previous properties, submitted without waiting on a check
        JobController.Deployment rollback = controller.deployment(version.apply("commits-v1"));
        assertThat(JobDeployer.checkUpdate(controller, version.apply("commits-v1"), rollback,
                "UPDATE_ROLLBACK_IN_PROGRESS", Duration.ofSeconds(30))).contains("without a check: a rollback");
        assertThat(controller.status(job)).contains("desired=RUNNING", "run=" + rollback.runId());

        // the next update is checked again: a version that commits passes, one that only runs passes when time is up
        JobController.Deployment fixed = controller.deployment(version.apply("commits-v3"));
        assertThat(JobDeployer.checkUpdate(controller, version.apply("commits-v3"), fixed, "UPDATE_IN_PROGRESS",
                Duration.ofSeconds(30)))
                .isEqualTo("run " + fixed.runId() + " committed micro-batch " + (fixed.committedBefore().getAsLong() + 1));
        JobController.Deployment slow = controller.deployment(version.apply("slow-v4"));
        assertThat(JobDeployer.checkUpdate(controller, version.apply("slow-v4"), slow, "UPDATE_IN_PROGRESS",
                Duration.ofSeconds(1)))
                .as("older commits are not the new version's").contains("has not committed a micro-batch within 1 s");
        assertThat(controller.status(job)).contains("desired=RUNNING", "run=" + slow.runId(), "state=RUNNING");
        JobController.Deployment flaky = controller.deployment(version.apply("flaky-v5"));
        assertThat(JobDeployer.checkUpdate(controller, version.apply("flaky-v5"), flaky, "UPDATE_IN_PROGRESS",
                Duration.ofSeconds(30)))
                .as("a failed look is looked at again").startsWith("run " + flaky.runId() + " committed micro-batch");
    }

    @Test
    void theDeployerReadsItsStacksStatusToTellARollbackFromAnUpdate() throws Exception {
        String stack = "sensorpipe-status-" + suffix;
        String template = "{\"Resources\":{\"Topic\":{\"Type\":\"AWS::SNS::Topic\",\"Properties\":{\"TopicName\":\""
                + stack + "\"}}}}";
        String stackId = AwsCallRecorder.fixture(() -> clients.cloudFormation()
                .createStack(r -> r.stackName(stack).templateBody(template)).stackId());
        cloud.deleteOnClose(() -> clients.cloudFormation().deleteStack(r -> r.stackName(stack)));

        assertThat(JobDeployer.stackStatus(clients, stackId)).isEqualTo("CREATE_COMPLETE");
        assertThat(JobDeployer.stackStatus(clients, "arn:aws:cloudformation:us-east-1:000000000000:stack/none-" + suffix
                + "/0")).as("unreadable: the update goes unchecked, as before the check existed").isNull();
    }

    /** A controller whose runs are {@code targets}' (by cluster id), with the local cloud's state table and S3. */
    /** Runs a test scripts (not EMR's: moto's steps never end): nothing else active, logs under the URI. */
    private abstract static class ScriptedRuns implements JobRuns {
        @Override
        public void cancel(String runId) {
        }

        @Override
        public List<String> active(String name) {
            return List.of();
        }

        @Override
        public String logLocation(String runId, String logUri) {
            return logUri + runId;
        }
    }

    private static JobController scripted(Map<String, JobRuns> targets) {
        return scripted(targets, new JobStateStore(clients.dynamoDb(), table));
    }

    private static JobController scripted(Map<String, JobRuns> targets, JobStateStore store) {
        return new JobController(spec -> targets.get(spec.target()), store,
                new StopMarker(clients.s3()), new CommitLog(clients.s3()),
                new OpsChannel(clients.sns(), topicArn, System.out, "SensorpipeTest", "readings-" + suffix),
                new RestartPolicy(2, Duration.ZERO, Duration.ZERO, Duration.ofHours(6)), Clock.systemUTC(),
                duration -> Thread.sleep(duration.toMillis()), Duration.ofSeconds(5), Duration.ofMillis(100));
    }

    @Test
    void aDeployToAnotherClusterEndsTheOldRunThereByItsMarkerThenSubmits() throws Exception {
        List<String> events = new ArrayList<>();
        JobController controller = scripted(new HashMap<>(Map.of("j-OLD", new MarkerWatchingRuns("j-OLD", events),
                "j-NEW", new MarkerWatchingRuns("j-NEW", events))));
        String job = "job-moved-" + suffix;
        String marker = JobControl.stopMarkerFor("s3://" + bucket + "/checkpoints/");
        JobSpec old = new JobSpec(JobSpec.Platform.EMR_EC2, "j-OLD", job, List.of("v1"), null, null, null,
                "s3://logs/", marker);
        JobSpec moved = new JobSpec(JobSpec.Platform.EMR_EC2, "j-NEW", job, List.of("v2"), null, null, null,
                "s3://logs/", marker);
        controller.deploy(old);
        String second = controller.deploy(moved);

        assertThat(second).isEqualTo("j-NEW-run-0");
        assertThat(events).containsExactly("submit j-OLD-run-0", "ended j-OLD-run-0", "submit j-NEW-run-0");
        assertThat(clients.s3().listObjectsV2(r -> r.bucket(bucket).prefix("checkpoints")).contents())
                .as("the marker does not outlive the stop").isEmpty();
    }

    @Test
    void aJobStoppedBeforeItsClusterIsReplacedIsDeployedWithoutReachingTheOldCluster() throws Exception {
        List<String> events = new ArrayList<>();
        Map<String, JobRuns> targets = new HashMap<>(Map.of("j-OLD", new MarkerWatchingRuns("j-OLD", events),
                "j-NEW", new MarkerWatchingRuns("j-NEW", events)));
        JobController controller = scripted(targets);
        String job = "job-stopped-" + suffix;
        String marker = JobControl.stopMarkerFor("s3://" + bucket + "/checkpoints/");
        controller.deploy(new JobSpec(JobSpec.Platform.EMR_EC2, "j-OLD", job, List.of("v1"), null, null, null,
                "s3://logs/", marker));
        controller.stop(job); // scripts/job stop, before the deploy that replaces the cluster
        targets.put("j-OLD", null); // the deployer's role no longer reaches the old cluster

        String run = controller.deploy(new JobSpec(JobSpec.Platform.EMR_EC2, "j-NEW", job, List.of("v2"), null, null,
                null, "s3://logs/", marker));
        assertThat(run).isEqualTo("j-NEW-run-0");
        assertThat(events).containsExactly("submit j-OLD-run-0", "ended j-OLD-run-0", "submit j-NEW-run-0");
    }

    @Test
    void anOperatorStopThatEndsAfterADeployKeepsTheDeployedRunsId() {
        JobStateStore store = new JobStateStore(clients.dynamoDb(), table);
        String job = "job-race-" + suffix;
        store.deployed(job, "run-A", emrSpec(job, "v1"), Instant.now());
        // scripts/job stop waits for run-A to end; meanwhile a deploy stops it too and records run-B
        store.deployed(job, "run-B", emrSpec(job, "v2"), Instant.now());
        store.stopped(job, "run-A", Instant.now());
        assertThat(store.get(job).orElseThrow().runId()).isEqualTo("run-B");
        store.stopped(job, "run-B", Instant.now());
        assertThat(store.get(job).orElseThrow().runId()).isNull();
        assertThat(store.get(job).orElseThrow().wantRunning()).isFalse();
    }

    @Test
    void emrServerlessJobRunIsStartedAsStreamingAndRestartedFromTheStoredSpec() throws Exception {
        String job = "job-serverless-" + suffix;
        JobController controller = controller(1, Duration.ofSeconds(1));
        JobSpec spec = new JobSpec(JobSpec.Platform.EMR_SERVERLESS, applicationId, job, List.of("--stream", "readings"),
                "s3://assets/job.jar", "--class io.sensorpipe.job.StreamingJobMain", "arn:aws:iam::000000000000:role/job",
                "s3://logs/emr-serverless/", JobControl.stopMarkerFor("s3://" + bucket + "/checkpoints/"));
        String first = controller.deploy(spec);
        assertThat(controller.onRunEnded(job, first, "FAILED")).isEqualTo(Outcome.RESTARTED);
        String second = new JobStateStore(clients.dynamoDb(), table).get(job).orElseThrow().runId();
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
        String job = "job-events-" + suffix;
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

    @Test
    void aRestartAcceptingDataLossGivesTheFlagToThatRunOnlyAndTheSupervisorRestartsTheStoredSpec() throws Exception {
        List<String> events = new ArrayList<>();
        MarkerWatchingRuns runs = new MarkerWatchingRuns("j-ONE", events);
        JobController controller = scripted(new HashMap<>(Map.of("j-ONE", runs)));
        String job = "job-dataloss-" + suffix;
        JobSpec spec = new JobSpec(JobSpec.Platform.EMR_EC2, "j-ONE", job, List.of("spark-submit", "job.jar",
                "--stream", "readings"), null, null, null, "s3://logs/",
                JobControl.stopMarkerFor("s3://" + bucket + "/checkpoints/"));
        controller.deploy(spec);

        // scripts/job restart --accept-data-loss, after the job refused a gap on every attempt
        Map<String, Object> restart = Map.of("action", "restart", "job", job, "acceptDataLoss", true);
        String lenient = String.valueOf(JobSupervisor.handle(controller, restart).get("runId"));
        List<String> withFlag = new ArrayList<>(spec.args());
        withFlag.addAll(List.of(JobOptions.FAIL_ON_DATA_LOSS, "false"));
        assertThat(runs.argsOf.get(lenient)).isEqualTo(withFlag);
        assertThat(events).containsExactly("submit j-ONE-run-0", "ended j-ONE-run-0", "submit j-ONE-run-1");

        // that run ends: the supervisor's restart submits the deployed spec, which fails on a loss again
        assertThat(controller.onRunEnded(job, lenient, "FAILED")).isEqualTo(Outcome.RESTARTED);
        String restarted = new JobStateStore(clients.dynamoDb(), table).get(job).orElseThrow().runId();
        assertThat(runs.argsOf.get(restarted)).isEqualTo(spec.args());

        List<String> replaced = new ArrayList<>(withFlag);
        replaced.set(replaced.size() - 1, "true");
        assertThat(spec.withJobFlag(JobOptions.FAIL_ON_DATA_LOSS, "false")
                .withJobFlag(JobOptions.FAIL_ON_DATA_LOSS, "true").args()).as("a flag is given once: replaced")
                .isEqualTo(replaced);
    }

    private static List<String> opsMessages(int atLeast) throws InterruptedException {
        java.util.ArrayList<String> bodies = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (bodies.size() < atLeast && System.nanoTime() < deadline) {
            cloud.sqs().receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()
                    .forEach(m -> bodies.add(m.body()));
        }
        return bodies;
    }
}
