package io.sensorpipe.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.cdk.compute.StreamingJobStep;
import io.sensorpipe.contract.ArchiveLayout;
import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.job.StreamingJobMain;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awscdk.assertions.Match;

/**
 * Every context switch at once (other prefix, provisioned stream, EMR Serverless, emails, data not retained, warm start),
 * synthesized once for the class.
 */
class VariantPipelineTemplateTest {
    private static SynthesizedPipeline pipeline;

    @BeforeAll
    static void synthesizeOnce() {
        pipeline = SynthesizedPipeline.synth(Map.of(
                "prefix", "plant7",
                "streamMode", "provisioned",
                "shardCount", "4",
                "streamRetentionHours", 48,
                "compute", "emr-serverless",
                "alertEmail", "oncall@example.com",
                "retainData", "false",
                "firehoseBufferMiB", "128",
                "firehoseBufferSeconds", "60",
                "jobWarmStartHistory", "7d"));
    }

    @Test
    void cdkNagAwsSolutionsLeavesNoUnsuppressedErrorInTheServerlessVariant() {
        assertThat(pipeline.errors()).isEmpty();
    }

    @Test
    void provisionedStreamUsesTheShardCountAndRetentionFromContext() {
        pipeline.template().hasResourceProperties("AWS::Kinesis::Stream", Map.of(
                "Name", "plant7-readings",
                "ShardCount", 4,
                "RetentionPeriodHours", 48,
                "StreamModeDetails", Map.of("StreamMode", "PROVISIONED")));
    }

    @Test
    void everyPhysicalNameStartsWithThePrefix() {
        for (String type : List.of("AWS::Kinesis::Stream", "AWS::DynamoDB::GlobalTable", "AWS::SNS::Topic", "AWS::SQS::Queue",
                "AWS::KinesisFirehose::DeliveryStream", "AWS::Lambda::Function", "AWS::CloudWatch::Alarm", "AWS::EMRServerless::Application")) {
            for (var resource : pipeline.resourcesOfType(type).values()) {
                var props = SynthesizedPipeline.properties(resource);
                Object name = props.entrySet().stream()
                        .filter(e -> List.of("Name", "TableName", "TopicName", "QueueName", "DeliveryStreamName", "FunctionName", "AlarmName").contains(e.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                if (name instanceof String text) {
                    assertThat(text).as(type).startsWith("plant7-");
                }
            }
        }
        assertThat(pipeline.stack().getStackName()).isEqualTo("plant7");
    }

    @Test
    void emrServerlessRunsTheJobAsAStreamingJobRunInsteadOfACluster() {
        pipeline.template().resourceCountIs("AWS::EMR::Cluster", 0);
        pipeline.template().hasResourceProperties("AWS::EMRServerless::Application", Map.of(
                "Name", "plant7-streaming",
                "Type", "Spark",
                "ReleaseLabel", "emr-7.12.0",
                "NetworkConfiguration", Match.objectLike(Map.of("SubnetIds", Match.anyValue()))));
        var jobs = pipeline.resourcesOfType("Custom::SensorpipeStreamingJob");
        assertThat(jobs).hasSize(1);
        var job = SynthesizedPipeline.properties(jobs.values().iterator().next());
        assertThat(job).containsEntry("Platform", "EMR_SERVERLESS").containsEntry("Name", "plant7-streaming-job")
                .containsKeys("EntryPoint", "ExecutionRoleArn", "LogUri", "Target");
        assertThat(String.valueOf(job.get("SparkSubmitParameters"))).contains(StreamingJobStep.MAIN_CLASS);
        assertThat(String.valueOf(job.get("Args"))).contains("--checkpoint", "--dead-letter-bucket");
        // the first run waits for its execution role's policy (jar, stream, tables, key), not only for the role
        String executionPolicy = pipeline.resourcesOfType("AWS::IAM::Policy").keySet().stream()
                .filter(id -> id.contains("ExecutionRoleDefaultPolicy")).findFirst().orElseThrow();
        assertThat(String.valueOf(jobs.values().iterator().next().get("DependsOn"))).contains(executionPolicy);
        @SuppressWarnings("unchecked")
        Map<String, Object> outputs = (Map<String, Object>) pipeline.json().get("Outputs");
        assertThat(outputs).containsKeys("EmrServerlessApplicationId", "JobRunId").doesNotContainKey("EmrClusterId");
        pipeline.template().hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Match.objectLike(Map.of(
                "source", List.of("aws.emr-serverless"),
                "detail", Match.objectLike(Map.of("state", List.of("SUCCESS", "FAILED", "CANCELLED")))))));
        // No AwsCustomResource (and its Node.js provider) any more: the deployer is our own Java Lambda.
        assertThat(pipeline.resourcesOfType("Custom::AWS")).isEmpty();
    }

    @Test
    void dataSuffixGivesEveryRetainedResourceAFreshNameForARedeployNextToRetainedData() {
        SynthesizedPipeline redeploy = SynthesizedPipeline.synth(Map.of("dataSuffix", "2"));
        redeploy.template().hasResourceProperties("AWS::Kinesis::Stream", Map.of("Name", "sensorpipe-readings-2"));
        redeploy.template().hasResourceProperties("AWS::DynamoDB::GlobalTable", Map.of("TableName", "sensorpipe-results-2"));
        redeploy.template().hasResourceProperties("AWS::DynamoDB::GlobalTable", Map.of("TableName", "sensorpipe-alert-state-2"));
        redeploy.template().hasResourceProperties("AWS::KMS::Alias", Map.of("AliasName", "alias/sensorpipe-data-2"));
        for (var bucket : redeploy.resourcesOfType("AWS::S3::Bucket").values()) {
            assertThat(String.valueOf(SynthesizedPipeline.properties(bucket).get("BucketName"))).contains("-2,");
        }
        // Everything retained is renamed; what is not retained keeps its name (it was deleted with the stack).
        for (var resource : redeploy.resourcesOfType("AWS::DynamoDB::GlobalTable").values()) {
            if ("Retain".equals(resource.get("DeletionPolicy"))) {
                assertThat(String.valueOf(SynthesizedPipeline.properties(resource).get("TableName"))).endsWith("-2");
            }
        }
        redeploy.template().hasResourceProperties("AWS::DynamoDB::GlobalTable", Map.of("TableName", "sensorpipe-job-state"));
        assertThat(redeploy.errors()).isEmpty();
    }

    @Test
    void emailFromContextSubscribesToAlertsAndOps() {
        pipeline.template().resourcePropertiesCountIs("AWS::SNS::Subscription",
                Map.of("Protocol", "email", "Endpoint", "oncall@example.com"), 2);
    }

    @Test
    void dataIsDeletedWithTheStackWhenNotRetained() {
        pipeline.template().hasResource("AWS::DynamoDB::GlobalTable", Map.of("DeletionPolicy", "Delete"));
        pipeline.template().hasResource("AWS::S3::Bucket", Map.of("DeletionPolicy", "Delete"));
        pipeline.template().resourceCountIs("Custom::S3AutoDeleteObjects", 4);
    }

    @Test
    void firehoseBufferingComesFromContext() {
        pipeline.template().hasResourceProperties("AWS::KinesisFirehose::DeliveryStream", Map.of(
                "ExtendedS3DestinationConfiguration", Match.objectLike(Map.of(
                        "BufferingHints", Map.of("SizeInMBs", 128, "IntervalInSeconds", 60)))));
    }

    @Test
    void warmStartFromContextPointsTheJobAtTheArchivesRawPrefixAndParsesWithTheJobsOwnCommandLine() {
        var job = SynthesizedPipeline.properties(pipeline.resourcesOfType("Custom::SensorpipeStreamingJob").values().iterator().next());
        @SuppressWarnings("unchecked")
        List<String> args = ((List<Object>) job.get("Args")).stream().map(String::valueOf).toList();
        String archive = args.get(args.indexOf(JobOptions.WARM_START_ARCHIVE) + 1);
        // the bucket is a CloudFormation reference to the archive bucket, then the prefix Firehose writes raw readings to
        assertThat(archive).startsWith("{Fn::Join=").contains("s3://", "Archive", "/" + ArchiveLayout.DATA_ROOT);
        assertThat(args.get(args.indexOf(JobOptions.WARM_START_HISTORY) + 1)).isEqualTo("7d");
        CommandLine.ParseResult parsed = new CommandLine(new StreamingJobMain()).parseArgs(args.toArray(String[]::new));
        assertThat(parsed.unmatched()).isEmpty();
        // and the step keeps its trim-horizon start, which the job turns into the archive's end
        assertThat(parsed.hasMatchedOption(JobOptions.INITIAL_POSITION)).isFalse();
    }
}
