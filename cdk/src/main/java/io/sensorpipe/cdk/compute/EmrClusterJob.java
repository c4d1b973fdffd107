package io.sensorpipe.cdk.compute;

import io.sensorpipe.cdk.config.StackConfig;
import io.sensorpipe.cdk.nag.Reasons;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.emr.CfnCluster;
import software.amazon.awscdk.services.emr.CfnSecurityConfiguration;
import software.amazon.awscdk.services.iam.CfnInstanceProfile;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

/**
 * A long-running EMR on EC2 cluster (Spark, managed scaling) for the streaming job. The cluster carries no step: the
 * job is submitted, replaced gracefully and restarted by job-supervisor's Lambdas (see {@link JobLifecycle}), so a
 * job update never replaces the cluster.
 */
public final class EmrClusterJob extends Construct {
    private final CfnCluster cluster;
    private final Role instanceRole;
    private final Role serviceRole;

    public EmrClusterJob(Construct scope, String id, StackConfig config, JobNetwork network, StreamingJobStep job,
                         IKey dataKey, IBucket logBucket) {
        super(scope, id);
        String partition = Aws.PARTITION;

        instanceRole = Role.Builder.create(this, "InstanceRole")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("EC2 instances of the sensorpipe EMR cluster: run the streaming job, push logs")
                .build();
        job.grantTo(instanceRole);
        instanceRole.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                .actions(List.of("s3:PutObject"))
                .resources(List.of(logBucket.getBucketArn() + "/emr/*"))
                .build());
        // The EMR agents on the nodes read their own cluster's description.
        instanceRole.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                .actions(List.of("elasticmapreduce:DescribeCluster", "elasticmapreduce:ListInstanceGroups",
                        "elasticmapreduce:ListInstances", "elasticmapreduce:ListSteps", "elasticmapreduce:DescribeStep",
                        "elasticmapreduce:ListBootstrapActions"))
                .resources(List.of("arn:" + partition + ":elasticmapreduce:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":cluster/*"))
                .build());
        CfnInstanceProfile instanceProfile = CfnInstanceProfile.Builder.create(this, "InstanceProfile")
                .instanceProfileName(config.name("emr-instance"))
                .roles(List.of(instanceRole.getRoleName()))
                .build();

        serviceRole = Role.Builder.create(this, "ServiceRole")
                .assumedBy(new ServicePrincipal("elasticmapreduce.amazonaws.com"))
                .description("EMR service role of the sensorpipe cluster (v2 policy: acts only on tagged resources)")
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName("service-role/AmazonEMRServicePolicy_v2")))
                .build();
        serviceRole.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                .actions(List.of("iam:PassRole"))
                .resources(List.of(instanceRole.getRoleArn()))
                .conditions(Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com")))
                .build());
        // EBS volumes of the nodes are encrypted with the pipeline key: EC2 needs grants made through the service role.
        serviceRole.addToPrincipalPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                .actions(List.of("kms:CreateGrant"))
                .resources(List.of(dataKey.getKeyArn()))
                .conditions(Map.of("Bool", Map.of("kms:GrantIsForAWSResource", "true")))
                .build());
        dataKey.grant(serviceRole, "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKeyWithoutPlaintext",
                "kms:ReEncryptFrom", "kms:ReEncryptTo");

        CfnSecurityConfiguration security = CfnSecurityConfiguration.Builder.create(this, "SecurityConfiguration")
                .name(config.name("emr-security"))
                .securityConfiguration(Map.of("EncryptionConfiguration", Map.of(
                        "EnableInTransitEncryption", false,
                        "EnableAtRestEncryption", true,
                        "AtRestEncryptionConfiguration", Map.of(
                                "S3EncryptionConfiguration", Map.of("EncryptionMode", "SSE-KMS", "AwsKmsKey", dataKey.getKeyArn()),
                                "LocalDiskEncryptionConfiguration", Map.of(
                                        "EncryptionKeyProviderType", "AwsKms",
                                        "AwsKmsKey", dataKey.getKeyArn(),
                                        "EnableEbsEncryption", true)))))
                .build();

        SecurityGroup primarySg = emrGroup("PrimaryGroup", network, "EMR primary node (rules managed by EMR)", true);
        SecurityGroup coreSg = emrGroup("CoreGroup", network, "EMR core/task nodes (rules managed by EMR)", true);
        SecurityGroup serviceSg = emrGroup("ServiceAccessGroup", network, "EMR service access in private subnets (rules managed by EMR)", false);

        cluster = CfnCluster.Builder.create(this, "Cluster")
                .name(config.name("streaming"))
                .releaseLabel(config.emrRelease())
                .applications(List.of(CfnCluster.ApplicationProperty.builder().name("Spark").build()))
                .serviceRole(serviceRole.getRoleArn())
                .jobFlowRole(instanceProfile.getRef())
                .logUri("s3://" + logBucket.getBucketName() + "/emr/")
                .securityConfiguration(security.getRef())
                .visibleToAllUsers(true)
                .ebsRootVolumeSize(32)
                // the streaming step plus one more (an archive reprocessing): at 1 that step would wait behind the
                // endless streaming step, then run first at its next restart and hold the job back (the deployer and
                // the supervisor keep the streaming job itself to one step)
                .stepConcurrencyLevel(2)
                .instances(CfnCluster.JobFlowInstancesConfigProperty.builder()
                        .ec2SubnetId(network.firstJobSubnetId())
                        .emrManagedMasterSecurityGroup(primarySg.getSecurityGroupId())
                        .emrManagedSlaveSecurityGroup(coreSg.getSecurityGroupId())
                        .serviceAccessSecurityGroup(serviceSg.getSecurityGroupId())
                        .keepJobFlowAliveWhenNoSteps(true)
                        .terminationProtected(false)
                        .masterInstanceGroup(CfnCluster.InstanceGroupConfigProperty.builder()
                                .name("primary").instanceCount(1).instanceType(config.emrPrimaryInstanceType()).market("ON_DEMAND").build())
                        .coreInstanceGroup(CfnCluster.InstanceGroupConfigProperty.builder()
                                .name("core").instanceCount(config.emrCoreInstanceCount()).instanceType(config.emrCoreInstanceType()).market("ON_DEMAND").build())
                        .build())
                // Limits count core and task nodes (the primary never scales).
                .managedScalingPolicy(CfnCluster.ManagedScalingPolicyProperty.builder()
                        .computeLimits(CfnCluster.ComputeLimitsProperty.builder()
                                .unitType("Instances")
                                .minimumCapacityUnits(config.emrCoreInstanceCount())
                                .maximumCapacityUnits(config.emrMaxInstanceCount())
                                .build())
                        .build())
                // YARN caps spark.yarn.maxAppAttempts at its own am.max-attempts (default 2): set both alike.
                .configurations(List.of(CfnCluster.ConfigurationProperty.builder()
                        .classification("yarn-site")
                        .configurationProperties(Map.of("yarn.resourcemanager.am.max-attempts", Integer.toString(StreamingJobStep.MAX_APP_ATTEMPTS)))
                        .build()))
                // No Steps here: a step is a replace-only property (a new jar would mean a new cluster while the old one
                // still runs the job on the same checkpoint). The job is deployed by JobLifecycle's custom resource.
                .tags(List.of(software.amazon.awscdk.CfnTag.builder().key(JobNetwork.EMR_MANAGED_TAG).value("true").build()))
                .build();
        // Roles and their policies must exist before EMR validates them and the step starts reading the stream.
        cluster.getNode().addDependency(instanceRole, serviceRole, network.vpc());

        Reasons.of()
                .suppress("AwsSolutions-EMR4", "Local disk and EBS encryption (KMS, pipeline key) ARE enabled in the security configuration, nested under EncryptionConfiguration as EMR requires; the rule reads those keys at the top level (template test checks the real setting).")
                .suppress("AwsSolutions-EMR5", "In-transit TLS needs a PEM certificate bundle the operator issues (private CA); nodes talk only inside private subnets. Add it to the security configuration when a CA exists.")
                .suppress("AwsSolutions-EMR6", "No interactive users: the cluster runs one step and has no SSH key or notebooks, so there is nobody to authenticate with Kerberos.")
                .applyTo(cluster);
        Reasons.of()
                .suppress("AwsSolutions-IAM4", "AmazonEMRServicePolicy_v2 is the AWS-recommended EMR service policy; it only acts on resources tagged " + JobNetwork.EMR_MANAGED_TAG + "=true.",
                        List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"))
                .applyTo(serviceRole);
        Reasons.of()
                .suppress("AwsSolutions-IAM5", "Cluster ids are assigned at creation (the role must exist first), so the nodes' EMR describe actions are scoped to this account's clusters in this region.",
                        List.of("Resource::arn:<AWS::Partition>:elasticmapreduce:<AWS::Region>:<AWS::AccountId>:cluster/*"))
                .suppressMatching("AwsSolutions-IAM5", "EMR log objects: put-only under the emr/ prefix of the logs bucket.",
                        List.of("^Resource::<BucketsEmrLogs[A-Za-z0-9]*\\.Arn>\\/emr\\/\\*$"))
                .applyTo(instanceRole);
    }

    private SecurityGroup emrGroup(String id, JobNetwork network, String description, boolean allowAllOutbound) {
        SecurityGroup group = SecurityGroup.Builder.create(this, id)
                .vpc(network.vpc())
                .description(description)
                .allowAllOutbound(allowAllOutbound)
                .build();
        Tags.of(group).add(JobNetwork.EMR_MANAGED_TAG, "true");
        return group;
    }

    public CfnCluster cluster() {
        return cluster;
    }

    public Role instanceRole() {
        return instanceRole;
    }

    public Role serviceRole() {
        return serviceRole;
    }
}
