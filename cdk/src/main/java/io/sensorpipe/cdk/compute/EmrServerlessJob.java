package io.sensorpipe.cdk.compute;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.sensorpipe.cdk.config.PipelineConfig;
import io.sensorpipe.cdk.nag.Reasons;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.emrserverless.CfnApplication;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.customresources.AwsCustomResource;
import software.amazon.awscdk.customresources.AwsCustomResourcePolicy;
import software.amazon.awscdk.customresources.AwsSdkCall;
import software.amazon.awscdk.customresources.PhysicalResourceId;
import software.amazon.awscdk.customresources.PhysicalResourceIdReference;
import software.constructs.Construct;

/**
 * Alternative compute ({@code -c compute=emr-serverless}): an EMR Serverless Spark application in the job subnets
 * and one STREAMING job run started (and cancelled on delete) by a custom resource, since CloudFormation has no
 * job-run resource.
 */
public final class EmrServerlessJob extends Construct {
    /** Construct id aws-cdk-lib gives the AwsCustomResource provider singleton. */
    private static final String AWS_CUSTOM_RESOURCE_SINGLETON = "AWS679f53fac002430cb0da5b7982bd2287";

    private final CfnApplication application;
    private final Role executionRole;
    private final AwsCustomResource jobRun;

    public EmrServerlessJob(Construct scope, String id, PipelineConfig config, JobNetwork network, StreamingJob job, IBucket logBucket) {
        super(scope, id);
        SecurityGroup group = SecurityGroup.Builder.create(this, "JobGroup")
                .vpc(network.vpc())
                .description("EMR Serverless workers of the sensorpipe job (egress only)")
                .allowAllOutbound(true)
                .build();
        application = CfnApplication.Builder.create(this, "Application")
                .name(config.name("streaming"))
                .releaseLabel(config.emrRelease())
                .type("Spark")
                .architecture("ARM64")
                .autoStartConfiguration(CfnApplication.AutoStartConfigurationProperty.builder().enabled(true).build())
                // A streaming job never leaves the application idle; the stop only matters after it is cancelled.
                .autoStopConfiguration(CfnApplication.AutoStopConfigurationProperty.builder().enabled(true).idleTimeoutMinutes(15).build())
                .maximumCapacity(CfnApplication.MaximumAllowedResourcesProperty.builder()
                        .cpu((4 * config.emrMaxInstanceCount()) + " vCPU")
                        .memory((16 * config.emrMaxInstanceCount()) + " GB")
                        .build())
                .networkConfiguration(CfnApplication.NetworkConfigurationProperty.builder()
                        .subnetIds(network.vpc().selectSubnets(network.jobSubnets()).getSubnetIds())
                        .securityGroupIds(List.of(group.getSecurityGroupId()))
                        .build())
                .build();

        executionRole = Role.Builder.create(this, "ExecutionRole")
                .assumedBy(new ServicePrincipal("emr-serverless.amazonaws.com"))
                .description("Execution role of the sensorpipe streaming job on EMR Serverless")
                .build();
        job.grantTo(executionRole);
        executionRole.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                .actions(List.of("s3:PutObject"))
                .resources(List.of(logBucket.getBucketArn() + "/emr-serverless/*"))
                .build());

        List<String> submit = new ArrayList<>(job.arguments());
        Map<String, Object> startJobRun = Map.of(
                "applicationId", application.getAttrApplicationId(),
                "executionRoleArn", executionRole.getRoleArn(),
                "name", config.name("streaming-job"),
                "mode", "STREAMING",
                "retryPolicy", Map.of("maxFailedAttemptsPerHour", 5),
                "jobDriver", Map.of("sparkSubmit", Map.of(
                        "entryPoint", job.jar().getS3ObjectUrl(),
                        "entryPointArguments", submit,
                        "sparkSubmitParameters", "--class " + StreamingJob.MAIN_CLASS)),
                "configurationOverrides", Map.of("monitoringConfiguration", Map.of(
                        "s3MonitoringConfiguration", Map.of("logUri", "s3://" + logBucket.getBucketName() + "/emr-serverless/"))));
        String applicationArn = "arn:" + Aws.PARTITION + ":emr-serverless:" + Aws.REGION + ":" + Aws.ACCOUNT_ID
                + ":/applications/" + application.getAttrApplicationId();
        jobRun = AwsCustomResource.Builder.create(this, "JobRun")
                .resourceType("Custom::SensorpipeStreamingJobRun")
                .installLatestAwsSdk(false)
                .timeout(Duration.minutes(2))
                .onCreate(AwsSdkCall.builder()
                        .service("EMRServerless").action("startJobRun")
                        .parameters(startJobRun)
                        .physicalResourceId(PhysicalResourceId.fromResponse("jobRunId"))
                        .build())
                .onDelete(AwsSdkCall.builder()
                        .service("EMRServerless").action("cancelJobRun")
                        .parameters(Map.of("applicationId", application.getAttrApplicationId(), "jobRunId", new PhysicalResourceIdReference()))
                        .ignoreErrorCodesMatching("ValidationException|ResourceNotFoundException")
                        .build())
                .policy(AwsCustomResourcePolicy.fromStatements(List.of(
                        PolicyStatement.Builder.create().effect(Effect.ALLOW)
                                .actions(List.of("emr-serverless:StartJobRun", "emr-serverless:CancelJobRun", "emr-serverless:TagResource"))
                                .resources(List.of(applicationArn, applicationArn + "/jobruns/*"))
                                .build(),
                        PolicyStatement.Builder.create().effect(Effect.ALLOW)
                                .actions(List.of("iam:PassRole"))
                                .resources(List.of(executionRole.getRoleArn()))
                                .conditions(Map.of("StringEquals", Map.of("iam:PassedToService", "emr-serverless.amazonaws.com")))
                                .build())))
                .build();
        jobRun.getNode().addDependency(executionRole);
        // The provider function is a stack-level singleton that aws-cdk-lib creates outside this construct.
        Stack stack = Stack.of(this);
        NagSuppressions.addResourceSuppressionsByPath(stack, "/" + stack.getNode().getId() + "/" + AWS_CUSTOM_RESOURCE_SINGLETON, List.of(
                NagPackSuppression.builder().id("AwsSolutions-IAM4").reason("The AwsCustomResource provider of aws-cdk-lib uses the AWS-managed basic Lambda execution policy (logs only).").build(),
                NagPackSuppression.builder().id("AwsSolutions-L1").reason("The AwsCustomResource provider's runtime is pinned by aws-cdk-lib, not by this app.").build()), true);

        Reasons.of()
                .suppressMatching("AwsSolutions-IAM5", "Job run ids are assigned by StartJobRun, so cancelling is scoped to this application's job runs; job logs are put-only under the emr-serverless/ prefix.",
                        List.of(".*\\/jobruns\\/\\*.*", "^Resource::<BucketsEmrLogs[A-Za-z0-9]*\\.Arn>\\/emr-serverless\\/\\*$"))
                .applyTo(this);
    }

    public CfnApplication application() {
        return application;
    }

    public Role executionRole() {
        return executionRole;
    }

    /** The id of the streaming job run (the custom resource's physical id). */
    public String jobRunId() {
        return jobRun.getResponseField("jobRunId");
    }
}
