package io.sensorpipe.cdk.compute;

import io.sensorpipe.cdk.config.StackConfig;
import io.sensorpipe.cdk.nag.Reasons;
import io.sensorpipe.contract.JobControl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.Billing;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.dynamodb.TableEncryptionV2;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * The streaming job's lifecycle, from job-supervisor's jar: a custom resource {@code Custom::SensorpipeStreamingJob}
 * whose Lambda (JobDeployer) stops the running version gracefully and then submits the new one (never two on one
 * checkpoint; the cluster or application survives job updates), and a supervisor Lambda (JobSupervisor) that an
 * EventBridge rule calls when the job's step or job run ends: restart with backoff and a cap, tell the ops topic.
 * Both keep the job's state in one small DynamoDB table.
 */
public final class JobLifecycle extends Construct {
    public static final String DEPLOYER_HANDLER = "io.sensorpipe.supervisor.JobDeployer::handleRequest";
    public static final String SUPERVISOR_HANDLER = "io.sensorpipe.supervisor.JobSupervisor::handleRequest";
    /** Graceful stop before the cancel fallback; the deployer waits at most twice this, inside its 15 min. */
    public static final int GRACEFUL_STOP_SECONDS = 300;

    private final TableV2 state;
    private final Role role;
    private final Function deployer;
    private final Function supervisor;
    private final CustomResource job;

    /** Where the job runs: exactly one of cluster id or (application id + execution role) is set. */
    public record Target(String emrClusterId, String serverlessApplicationId, Role serverlessExecutionRole, String logUri) {
    }

    public JobLifecycle(Construct scope, String id, StackConfig config, StreamingJobStep step, Target target, IKey dataKey,
                        IBucket stateBucket, ITopic opsTopic) {
        super(scope, id);
        boolean serverless = target.serverlessApplicationId() != null;

        // Operational state only (current run, restart streak): never retained, so a redeploy starts clean.
        state = TableV2.Builder.create(this, "State")
                .tableName(config.name("job-state"))
                .partitionKey(Attribute.builder().name(JobControl.STATE_TABLE.partitionKey().name()).type(AttributeType.STRING).build())
                .billing(Billing.onDemand())
                // the job spec it keeps names the stream, buckets and roles: on the pipeline's key, as the other tables
                .encryption(TableEncryptionV2.customerManagedKey(dataKey))
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("sensorpipe job deployer + supervisor: submit, inspect, stop and restart the streaming job")
                .build();
        LogGroup deployerLogs = logs("DeployerLogs", config.name("job-deployer"));
        LogGroup supervisorLogs = logs("SupervisorLogs", config.name("job-supervisor"));
        deployerLogs.grantWrite(role);
        supervisorLogs.grantWrite(role);
        state.grant(role, "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem");
        // TableV2.grant(...) grants the table only: its key (the pipeline's), as grantReadWriteData would
        dataKey.grant(role, "kms:Decrypt", "kms:DescribeKey");
        opsTopic.grantPublish(role);
        // The stop marker: one object beside the checkpoint in the (KMS-encrypted) state bucket.
        String markerKey = step.stopMarker().substring(step.stopMarker().indexOf("/", "s3://".length()) + 1);
        role.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                .actions(List.of("s3:PutObject", "s3:DeleteObject"))
                .resources(List.of(stateBucket.arnForObjects(markerKey)))
                .build());
        // An update's check reads the job's commit log (Spark's, under the checkpoint): a listing of that prefix only.
        String commits = JobControl.checkpointOf(markerKey) + "/" + JobControl.COMMITS_DIR + "/";
        role.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(stateBucket.getBucketArn()))
                .conditions(Map.of("StringLike", Map.of("s3:prefix", List.of(commits + "*"))))
                .build());
        // ... and reads its own stack's status: a rollback is deployed without the check.
        role.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                .actions(List.of("cloudformation:DescribeStacks"))
                .resources(List.of(Aws.STACK_ID))
                .build());
        dataKey.grant(role, "kms:GenerateDataKey", "kms:Decrypt");

        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(JobControl.Env.STATE_TABLE, state.getTableName());
        environment.put(JobControl.Env.OPS_TOPIC_ARN, opsTopic.getTopicArn());
        environment.put(JobControl.Env.METRICS_NAMESPACE, config.metricsNamespace());
        environment.put(JobControl.Env.STREAM_NAME, config.dataName("readings"));
        environment.put(JobControl.Env.MAX_RESTARTS, Integer.toString(config.jobMaxRestarts()));
        environment.put(JobControl.Env.GRACEFUL_STOP_SECONDS, Integer.toString(GRACEFUL_STOP_SECONDS));
        environment.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");

        Code code = Code.fromAsset(config.requireSupervisorJar().toString());
        deployer = function("Deployer", config.name("job-deployer"), DEPLOYER_HANDLER, code, deployerLogs, environment,
                Duration.minutes(15), null, "Deploys the streaming job: graceful stop of the running version, then submit (CloudFormation custom resource)");
        supervisor = function("Supervisor", config.name("job-supervisor"), SUPERVISOR_HANDLER, code, supervisorLogs, environment,
                // Backoff waits inside the invocation (at most 8 min by default).
                // One at a time: a restart and an operator action never interleave (the state item's swap is the guard).
                Duration.minutes(12), 1, "Restarts the streaming job when its run ends, with backoff and a cap; operator actions of scripts/job");

        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(JobControl.Deploy.NAME, step.name());
        properties.put(JobControl.Deploy.STOP_MARKER, step.stopMarker());
        String partition = Aws.PARTITION;
        Rule ended;
        if (serverless) {
            String applicationArn = "arn:" + partition + ":emr-serverless:" + Aws.REGION + ":" + Aws.ACCOUNT_ID
                    + ":/applications/" + target.serverlessApplicationId();
            role.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                    .actions(List.of("emr-serverless:StartJobRun", "emr-serverless:GetJobRun", "emr-serverless:CancelJobRun",
                            "emr-serverless:ListJobRuns"))
                    .resources(List.of(applicationArn, applicationArn + "/jobruns/*"))
                    .build());
            role.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                    .actions(List.of("iam:PassRole"))
                    .resources(List.of(target.serverlessExecutionRole().getRoleArn()))
                    .conditions(Map.of("StringEquals", Map.of("iam:PassedToService", "emr-serverless.amazonaws.com")))
                    .build());
            properties.put(JobControl.Deploy.PLATFORM, "EMR_SERVERLESS");
            properties.put(JobControl.Deploy.TARGET, target.serverlessApplicationId());
            properties.put(JobControl.Deploy.ARGS, step.arguments());
            properties.put(JobControl.Deploy.ENTRY_POINT, step.jar().getS3ObjectUrl());
            properties.put(JobControl.Deploy.SPARK_SUBMIT_PARAMETERS, "--class " + StreamingJobStep.MAIN_CLASS);
            properties.put(JobControl.Deploy.EXECUTION_ROLE_ARN, target.serverlessExecutionRole().getRoleArn());
            properties.put(JobControl.Deploy.LOG_URI, target.logUri());
            ended = Rule.Builder.create(this, "RunEnded")
                    .ruleName(config.name("job-run-ended"))
                    .description("The sensorpipe streaming job run on EMR Serverless ended: the supervisor decides whether to restart it")
                    .eventPattern(EventPattern.builder()
                            .source(List.of("aws.emr-serverless"))
                            .detailType(List.of("EMR Serverless Job Run State Change"))
                            .detail(Map.of("state", List.of("SUCCESS", "FAILED", "CANCELLED"),
                                    "applicationId", List.of(target.serverlessApplicationId())))
                            .build())
                    .build();
        } else {
            String clusterArn = "arn:" + partition + ":elasticmapreduce:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":cluster/" + target.emrClusterId();
            role.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                    .actions(List.of("elasticmapreduce:AddJobFlowSteps", "elasticmapreduce:DescribeStep", "elasticmapreduce:ListSteps",
                            "elasticmapreduce:CancelSteps"))
                    .resources(List.of(clusterArn))
                    .build());
            properties.put(JobControl.Deploy.PLATFORM, "EMR_EC2");
            properties.put(JobControl.Deploy.TARGET, target.emrClusterId());
            properties.put(JobControl.Deploy.ARGS, step.emrStepArguments());
            properties.put(JobControl.Deploy.LOG_URI, target.logUri());
            ended = Rule.Builder.create(this, "StepEnded")
                    .ruleName(config.name("job-step-ended"))
                    .description("The sensorpipe streaming step ended: the supervisor decides whether to restart it")
                    .eventPattern(EventPattern.builder()
                            .source(List.of("aws.emr"))
                            .detailType(List.of("EMR Step Status Change"))
                            .detail(Map.of("state", List.of("COMPLETED", "FAILED", "CANCELLED", "INTERRUPTED"),
                                    "clusterId", List.of(target.emrClusterId())))
                            .build())
                    .build();
        }
        ended.addTarget(LambdaFunction.Builder.create(supervisor).retryAttempts(2).maxEventAge(Duration.hours(1)).build());

        job = CustomResource.Builder.create(this, "StreamingJob")
                .resourceType("Custom::SensorpipeStreamingJob")
                .serviceToken(deployer.getFunctionArn())
                .properties(properties)
                .build();
        // The deployer needs its permissions before CloudFormation calls it, on create and on delete.
        job.getNode().addDependency(role);
        if (serverless) {
            // ... and the job its own: the execution role's policy (jar, stream, tables, key) before the first run,
            // which otherwise could start without them (the role's ARN alone does not wait for its policy)
            job.getNode().addDependency(target.serverlessExecutionRole());
        }

        Reasons.of()
                .suppress("AwsSolutions-IAM5", "CDK's KMS grant for publishing to the encrypted ops topic, scoped to the pipeline key.",
                        List.of("Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*"))
                .suppressMatching("AwsSolutions-IAM5", "Job run ids are assigned by StartJobRun, so run actions are scoped to this application's job runs.",
                        List.of(".*\\/jobruns\\/\\*.*"))
                .applyTo(role);
        Reasons.of().suppress("AwsSolutions-L1", "java21 is the runtime job-supervisor is built and tested for (Java 17 bytecode); move to the next Java LTS runtime together with the other Java functions.")
                .applyTo(this);
    }

    private LogGroup logs(String id, String functionName) {
        return LogGroup.Builder.create(this, id)
                .logGroupName("/aws/lambda/" + functionName)
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
    }

    private Function function(String id, String name, String handler, Code code, LogGroup logs, Map<String, String> environment,
                              Duration timeout, Integer reservedConcurrency, String description) {
        var builder = Function.Builder.create(this, id)
                .functionName(name)
                .description(description)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(handler)
                .code(code)
                .memorySize(512)
                .timeout(timeout)
                .role(role)
                .logGroup(logs)
                .environment(environment);
        if (reservedConcurrency != null) {
            builder.reservedConcurrentExecutions(reservedConcurrency);
        }
        return builder.build();
    }

    public TableV2 state() {
        return state;
    }

    public Role role() {
        return role;
    }

    public Function deployer() {
        return deployer;
    }

    public Function supervisor() {
        return supervisor;
    }

    /** The deployed run id (step id or job-run id) of the current version. */
    public String runId() {
        return job.getAttString(JobControl.Deploy.RUN_ID);
    }
}
