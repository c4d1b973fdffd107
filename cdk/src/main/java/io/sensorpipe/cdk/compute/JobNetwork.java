package io.sensorpipe.cdk.compute;

import io.sensorpipe.cdk.config.StackConfig;
import java.util.List;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

import java.util.Map;

/**
 * A small VPC for the Spark job: private subnets (egress through NAT: Kinesis, CloudWatch and the EMR service have
 * no gateway endpoints) plus free gateway endpoints so the heavy S3 and DynamoDB traffic skips the NAT. No lookups:
 * the VPC is created, never imported.
 */
public final class JobNetwork extends Construct {
    /** EMR's v2 managed service policy only acts on resources carrying this tag. */
    public static final String EMR_MANAGED_TAG = "for-use-with-amazon-emr-managed-policies";

    private final Vpc vpc;

    public JobNetwork(Construct scope, String id, StackConfig config) {
        super(scope, id);
        LogGroup flowLogs = LogGroup.Builder.create(this, "FlowLogs").retention(RetentionDays.ONE_MONTH).build();
        vpc = Vpc.Builder.create(this, "Vpc")
                .vpcName(config.name("vpc"))
                .ipAddresses(IpAddresses.cidr("10.42.0.0/16"))
                .maxAzs(2)
                .natGateways(config.natGateways())
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build(),
                        SubnetConfiguration.builder().name("jobs").subnetType(SubnetType.PRIVATE_WITH_EGRESS).cidrMask(20).build()))
                .gatewayEndpoints(Map.of(
                        "S3", GatewayVpcEndpointOptions.builder().service(GatewayVpcEndpointAwsService.S3).build(),
                        "DynamoDB", GatewayVpcEndpointOptions.builder().service(GatewayVpcEndpointAwsService.DYNAMODB).build()))
                .flowLogs(Map.of("all", FlowLogOptions.builder().destination(FlowLogDestination.toCloudWatchLogs(flowLogs)).build()))
                .build();
        Tags.of(vpc).add(EMR_MANAGED_TAG, "true");
    }

    public Vpc vpc() {
        return vpc;
    }

    public SubnetSelection jobSubnets() {
        return SubnetSelection.builder().subnetGroupName("jobs").build();
    }

    public String firstJobSubnetId() {
        return vpc.selectSubnets(jobSubnets()).getSubnetIds().get(0);
    }
}
