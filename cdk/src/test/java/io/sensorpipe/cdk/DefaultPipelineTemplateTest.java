package io.sensorpipe.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.alerts.filter.AnomalyFilter;
import io.sensorpipe.cdk.alerts.Alerting;
import io.sensorpipe.cdk.compute.StreamingJobStep;
import io.sensorpipe.cdk.compute.JobLifecycle;
import io.sensorpipe.cdk.ingest.ReadingsIngest;
import io.sensorpipe.contract.ArchiveLayout;
import io.sensorpipe.contract.JobControl;
import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.job.StreamingJobMain;
import picocli.CommandLine;
import io.sensorpipe.contract.MetricNames;
import io.sensorpipe.schema.ResultItem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/** The default configuration (on-demand stream, EMR on EC2), synthesized once for the whole class. */
class DefaultPipelineTemplateTest {
    private static SynthesizedPipeline pipeline;

    @BeforeAll
    static void synthesizeOnce() {
        pipeline = SynthesizedPipeline.synth(Map.of());
    }

    @Test
    void cdkNagAwsSolutionsLeavesNoUnsuppressedErrorOrWarning() {
        assertThat(pipeline.errors()).isEmpty();
        assertThat(pipeline.warnings()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyCdkNagSuppressionCarriesAWrittenReason() {
        int suppressions = 0;
        for (Object value : ((Map<String, Object>) pipeline.json().get("Resources")).values()) {
            Map<String, Object> metadata = (Map<String, Object>) ((Map<String, Object>) value).get("Metadata");
            Map<String, Object> nag = metadata == null ? null : (Map<String, Object>) metadata.get("cdk_nag");
            if (nag == null) {
                continue;
            }
            for (Map<String, Object> rule : (List<Map<String, Object>>) nag.get("rules_to_suppress")) {
                suppressions++;
                assertThat(String.valueOf(rule.get("reason"))).as(String.valueOf(rule.get("id"))).hasSizeGreaterThan(40);
            }
        }
        assertThat(suppressions).isPositive();
    }

    @Test
    void jobRunsInPrivateSubnetsWithOneNatGatewayFreeS3AndDynamoDbEndpointsAndFlowLogs() {
        pipeline.template().resourceCountIs("AWS::EC2::NatGateway", 1);
        pipeline.template().resourceCountIs("AWS::EC2::VPCEndpoint", 2);
        pipeline.template().hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Gateway",
                "ServiceName", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(Match.arrayWith(List.of(".dynamodb"))))))));
        pipeline.template().resourceCountIs("AWS::EC2::FlowLog", 1);
        pipeline.template().hasResourceProperties("AWS::EC2::Subnet", Map.of("MapPublicIpOnLaunch", false,
                "Tags", Match.arrayWith(List.of(Map.of("Key", "for-use-with-amazon-emr-managed-policies", "Value", "true")))));
    }

    @Test
    void dataIsRetainedByDefault() {
        // Data tables are retained; the supervisor's operational state is not (a redeploy starts it clean).
        for (String table : List.of("sensorpipe-results", "sensorpipe-alert-state")) {
            pipeline.template().hasResource("AWS::DynamoDB::GlobalTable", Map.of(
                    "Properties", Match.objectLike(Map.of("TableName", table)), "DeletionPolicy", "Retain"));
        }
        pipeline.template().allResources("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain"));
        pipeline.template().allResources("AWS::Kinesis::Stream", Map.of("DeletionPolicy", "Retain"));
        pipeline.template().hasResourceProperties("AWS::DynamoDB::GlobalTable", Map.of("TableName", "sensorpipe-results",
                "Replicas", List.of(Match.objectLike(Map.of("DeletionProtectionEnabled", true)))));
    }

    @Test
    void queuesUseTheirOwnKeyAndOnlyTheAlertsTopicMayUseIt() {
        pipeline.template().resourceCountIs("AWS::KMS::Key", 2);
        pipeline.template().hasResourceProperties("AWS::KMS::Key", Map.of("KeyPolicy", Map.of("Statement", Match.arrayWith(List.of(
                Match.objectLike(Map.of(
                        "Principal", Map.of("Service", "sns.amazonaws.com"),
                        "Condition", Map.of("ArnEquals", Map.of("aws:SourceArn", Map.of("Ref", Match.stringLikeRegexp("AlertingTopic.*")))))))))));
    }

    @Test
    void readingsStreamIsOnDemandKmsEncryptedWithDayRetention() {
        pipeline.template().resourceCountIs("AWS::Kinesis::Stream", 1);
        pipeline.template().hasResourceProperties("AWS::Kinesis::Stream", Map.of(
                "Name", "sensorpipe-readings",
                "StreamModeDetails", Map.of("StreamMode", "ON_DEMAND"),
                "RetentionPeriodHours", 24,
                "StreamEncryption", Map.of("EncryptionType", "KMS", "KeyId", Match.anyValue())));
        pipeline.template().hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
    }

    @Test
    void resultsTableUsesResultItemKeysSparseGsiTtlPitrNewImageStreamAndCustomerKey() {
        pipeline.template().resourceCountIs("AWS::DynamoDB::GlobalTable", 3);
        pipeline.template().hasResourceProperties("AWS::DynamoDB::GlobalTable", Map.of(
                "TableName", "sensorpipe-results",
                "KeySchema", List.of(
                        Map.of("AttributeName", ResultItem.SENSOR_ID, "KeyType", "HASH"),
                        Map.of("AttributeName", ResultItem.WINDOW_START, "KeyType", "RANGE")),
                "AttributeDefinitions", Match.arrayWith(List.of(
                        Map.of("AttributeName", ResultItem.SENSOR_ID, "AttributeType", "S"),
                        Map.of("AttributeName", ResultItem.WINDOW_START, "AttributeType", "N"),
                        Map.of("AttributeName", ResultItem.ANOMALY_DAY, "AttributeType", "S"))),
                "GlobalSecondaryIndexes", List.of(Map.of(
                        "IndexName", ResultItem.ANOMALIES_GSI,
                        "KeySchema", List.of(
                                Map.of("AttributeName", ResultItem.ANOMALY_DAY, "KeyType", "HASH"),
                                Map.of("AttributeName", ResultItem.WINDOW_START, "KeyType", "RANGE")),
                        "Projection", Map.of("ProjectionType", "ALL"))),
                "BillingMode", "PAY_PER_REQUEST",
                "TimeToLiveSpecification", Map.of("AttributeName", ResultItem.TTL, "Enabled", true),
                "StreamSpecification", Map.of("StreamViewType", "NEW_IMAGE"),
                "SSESpecification", Map.of("SSEEnabled", true, "SSEType", "KMS"),
                "Replicas", List.of(Match.objectLike(Map.of(
                        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                        "SSESpecification", Map.of("KMSMasterKeyId", Match.anyValue()))))));
    }

    @Test
    void alertStateTableIsKeyedBySensorWithTtlAndPitr() {
        pipeline.template().hasResourceProperties("AWS::DynamoDB::GlobalTable", Map.of(
                "TableName", "sensorpipe-alert-state",
                "KeySchema", List.of(Map.of("AttributeName", "sensorId", "KeyType", "HASH")),
                "TimeToLiveSpecification", Map.of("AttributeName", "ttl", "Enabled", true),
                "SSESpecification", Map.of("SSEEnabled", true, "SSEType", "KMS"),
                "Replicas", List.of(Match.objectLike(Map.of(
                        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true))))));
    }

    @Test
    void everyBucketBlocksPublicAccessIsEncryptedAndDeniesPlainHttp() {
        var buckets = pipeline.resourcesOfType("AWS::S3::Bucket");
        assertThat(buckets).hasSize(4);
        int logged = 0;
        for (var bucket : buckets.values()) {
            var props = SynthesizedPipeline.properties(bucket);
            assertThat(props.get("PublicAccessBlockConfiguration")).isEqualTo(Map.of(
                    "BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true, "RestrictPublicBuckets", true));
            assertThat(props).containsKey("BucketEncryption");
            if (props.containsKey("LoggingConfiguration")) {
                logged++;
            }
        }
        assertThat(logged).as("all but the access-log bucket log to it").isEqualTo(3);
        var policies = pipeline.resourcesOfType("AWS::S3::BucketPolicy");
        assertThat(policies).hasSize(4);
        for (var policy : policies.values()) {
            assertThat(String.valueOf(SynthesizedPipeline.properties(policy).get("PolicyDocument")))
                    .contains("aws:SecureTransport=false").contains("Deny");
        }
    }

    @Test
    void archiveMovesToInfrequentAccessThenGlacierThenExpires() {
        pipeline.template().hasResourceProperties("AWS::S3::Bucket", Map.of(
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Match.objectLike(Map.of(
                        "ServerSideEncryptionByDefault", Match.objectLike(Map.of("SSEAlgorithm", "aws:kms")))))),
                "LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of(
                        "Id", "archive-tiering",
                        "Status", "Enabled",
                        "ExpirationInDays", 365,
                        "Transitions", List.of(
                                Map.of("StorageClass", "STANDARD_IA", "TransitionInDays", 30),
                                Map.of("StorageClass", "GLACIER_IR", "TransitionInDays", 90))))))));
    }

    @Test
    void firehoseArchivesTheStreamGzippedIntoHourlyPartitions() {
        pipeline.template().resourceCountIs("AWS::KinesisFirehose::DeliveryStream", 1);
        pipeline.template().hasResourceProperties("AWS::KinesisFirehose::DeliveryStream", Map.of(
                "DeliveryStreamName", "sensorpipe-archive",
                "DeliveryStreamType", "KinesisStreamAsSource",
                "KinesisStreamSourceConfiguration", Match.objectLike(Map.of("KinesisStreamARN", Match.anyValue())),
                "ExtendedS3DestinationConfiguration", Match.objectLike(Map.of(
                        "CompressionFormat", "GZIP",
                        "Prefix", ArchiveLayout.DEFAULT_PREFIX,
                        "ErrorOutputPrefix", ArchiveLayout.DEFAULT_ERROR_PREFIX,
                        "BufferingHints", Map.of("SizeInMBs", 64, "IntervalInSeconds", 300),
                        "ProcessingConfiguration", Map.of("Enabled", true, "Processors", List.of(Map.of(
                                "Type", "Lambda",
                                "Parameters", Match.arrayWith(List.of(
                                        Map.of("ParameterName", "LambdaArn", "ParameterValue", Match.anyValue()),
                                        Map.of("ParameterName", "BufferIntervalInSeconds", "ParameterValue", "60"),
                                        Map.of("ParameterName", "BufferSizeInMBs", "ParameterValue", "1"),
                                        Map.of("ParameterName", "NumberOfRetries", "ParameterValue", "3")))))),
                        "EncryptionConfiguration", Map.of("KMSEncryptionConfig", Map.of("AWSKMSKeyARN", Match.anyValue()))))));
    }

    @Test
    void archiveTransformIsFirehoseArchivesHandlerWithNoAwsPermissionsBeyondItsLogs() {
        pipeline.template().hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "sensorpipe-archive-transform",
                "Handler", ReadingsIngest.TRANSFORM_HANDLER,
                "Runtime", "java21",
                "MemorySize", 512,
                "Timeout", 60));
        assertThat(actionsOn(policyOfRole("IngestArchiveTransformRole"), "IngestArchiveTransformLogs"))
                .containsExactlyInAnyOrder("logs:CreateLogStream", "logs:PutLogEvents");
        assertThat(statements(policyOfRole("IngestArchiveTransformRole"))).hasSize(1);
    }

    @Test
    void emrClusterRunsTheStreamingJobStepWithManagedScalingAndEncryptedDisks() {
        pipeline.template().resourceCountIs("AWS::EMR::Cluster", 1);
        pipeline.template().hasResourceProperties("AWS::EMR::Cluster", Map.of(
                "Name", "sensorpipe-streaming",
                "ReleaseLabel", "emr-7.12.0",
                "Applications", List.of(Map.of("Name", "Spark")),
                "LogUri", Match.anyValue(),
                "SecurityConfiguration", Match.anyValue(),
                "ManagedScalingPolicy", Map.of("ComputeLimits", Map.of(
                        "UnitType", "Instances", "MinimumCapacityUnits", 1, "MaximumCapacityUnits", 3)),
                "Instances", Match.objectLike(Map.of(
                        "KeepJobFlowAliveWhenNoSteps", true,
                        "Ec2SubnetId", Match.anyValue(),
                        "MasterInstanceGroup", Match.objectLike(Map.of("InstanceCount", 1, "InstanceType", "m7g.xlarge")),
                        "CoreInstanceGroup", Match.objectLike(Map.of("InstanceCount", 1, "InstanceType", "m7g.xlarge"))))));
        var cluster = SynthesizedPipeline.properties(pipeline.resourcesOfType("AWS::EMR::Cluster").values().iterator().next());
        // The job is not a cluster property (Steps would replace the cluster on every new jar): the custom resource deploys it.
        assertThat(cluster).doesNotContainKey("Steps");
        assertThat(String.valueOf(cluster.get("Configurations"))).contains("yarn-site",
                "yarn.resourcemanager.am.max-attempts=" + StreamingJobStep.MAX_APP_ATTEMPTS);
        String steps = String.valueOf(jobArgs());
        assertThat(steps).contains("spark-submit", "--deploy-mode, cluster", "--class, " + StreamingJobStep.MAIN_CLASS,
                "spark.yarn.maxAppAttempts=" + StreamingJobStep.MAX_APP_ATTEMPTS, "/checkpoints/", "--dead-letter-prefix, dead-letters/", ".jar");
        String security = String.valueOf(SynthesizedPipeline.properties(pipeline.resourcesOfType("AWS::EMR::SecurityConfiguration").values().iterator().next())
                .get("SecurityConfiguration"));
        assertThat(security).contains("EnableAtRestEncryption=true", "EncryptionKeyProviderType=AwsKms", "EnableEbsEncryption=true");
    }

    @Test
    void alertFunctionIsJava21WithSnapStartReservedConcurrencyAndTheAlertHandler() {
        pipeline.template().hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "sensorpipe-alerts",
                "Runtime", "java21",
                "Handler", Alerting.HANDLER,
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                "ReservedConcurrentExecutions", 5,
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "ALERT_TOPIC_ARN", Match.anyValue(), "ALERT_STATE_TABLE", Match.anyValue(),
                        "ALERT_COOLDOWN_SECONDS", "900", "ALERT_CLAIM_LEASE_SECONDS", "60")))));
        pipeline.template().hasResourceProperties("AWS::Lambda::Alias", Map.of("Name", "live"));
    }

    @Test
    void streamMappingOnlyDeliversAnomaliesAndBisectsReportsItemFailuresAndKeepsFailedBatches() {
        pipeline.template().resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
        pipeline.template().hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "FunctionName", Match.anyValue(),
                "StartingPosition", "LATEST",
                "BisectBatchOnFunctionError", true,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "FilterCriteria", Map.of("Filters", List.of(Map.of("Pattern", Match.serializedJson(Match.exact(AnomalyFilter.asMap()))))),
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination", Match.anyValue()))));
    }

    @Test
    void streamFilterOnlyLetsAnomalousInsertsAndUpdatesThrough() {
        assertThat(AnomalyFilter.asMap()).containsEntry("dynamodb", Map.of("NewImage", Map.of("anomaly", Map.of("BOOL", List.of(true)))));
    }

    @Test
    void alertsTopicIsEncryptedAndFeedsTheTailQueue() {
        pipeline.template().hasResourceProperties("AWS::SNS::Topic", Map.of("TopicName", "sensorpipe-alerts", "KmsMasterKeyId", Match.anyValue()));
        pipeline.template().hasResourceProperties("AWS::SNS::Subscription", Map.of("Protocol", "sqs", "RawMessageDelivery", true));
        pipeline.template().resourcePropertiesCountIs("AWS::SNS::Subscription", Map.of("Protocol", "email"), 0);
        for (var queue : pipeline.resourcesOfType("AWS::SQS::Queue").values()) {
            assertThat(SynthesizedPipeline.properties(queue)).containsKey("KmsMasterKeyId");
        }
    }

    @Test
    void alarmsCoverStreamLambdaQueuesTablesFirehoseJobAndEmrAndNotifyTheOpsTopic() {
        var alarms = pipeline.resourcesOfType("AWS::CloudWatch::Alarm");
        Set<String> metrics = new TreeSet<>();
        for (var alarm : alarms.values()) {
            var props = SynthesizedPipeline.properties(alarm);
            metrics.addAll(alarmMetrics(props).stream().map(m -> String.valueOf(m.get("MetricName"))).toList());
            assertThat(String.valueOf(props.get("AlarmActions"))).contains("MonitoringOpsTopic");
            assertThat(String.valueOf(props.get("AlarmName"))).startsWith("sensorpipe-");
        }
        assertThat(metrics).contains("GetRecords.IteratorAgeMilliseconds", "PutRecords.ThrottledRecords",
                "ReadProvisionedThroughputExceeded", "Errors", "Throttles", "IteratorAge", "ApproximateNumberOfMessagesVisible",
                "WriteThrottleEvents", "ReadThrottleEvents", "DeliveryToS3.Success", "DeliveryToS3.DataFreshness",
                MetricNames.BATCH_LATENCY_MS, MetricNames.RECORDS_READ, MetricNames.DEAD_LETTERED, MetricNames.LATE_READINGS,
                MetricNames.UNSCORED_WINDOWS, MetricNames.MODEL_RESETS, MetricNames.MILLIS_BEHIND_LATEST,
                MetricNames.JOB_RESTARTS_EXHAUSTED, "IsIdle", "MRUnhealthyNodes", "MRLostNodes");
    }

    @Test
    void heartbeatOnRecordsReadTreatsMissingDataAsBreaching() {
        pipeline.template().hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmName", "sensorpipe-job-heartbeat",
                "MetricName", MetricNames.RECORDS_READ,
                "Namespace", MetricNames.DEFAULT_NAMESPACE,
                "Statistic", "SampleCount",
                "ComparisonOperator", "LessThanThreshold",
                "TreatMissingData", "breaching"));
        pipeline.template().hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmName", "sensorpipe-job-restarts-exhausted",
                "MetricName", MetricNames.JOB_RESTARTS_EXHAUSTED,
                "Dimensions", List.of(Map.of("Name", MetricNames.STREAM_DIMENSION, "Value", Match.anyValue()))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void rateAlarmsListTheirMetricsInTheExpressionsOrderSoEverySynthIsTheSame() {
        for (String name : List.of("sensorpipe-job-dead-letter-rate", "sensorpipe-job-late-rate")) {
            var alarm = pipeline.resourcesOfType("AWS::CloudWatch::Alarm").values().stream()
                    .map(SynthesizedPipeline::properties)
                    .filter(p -> name.equals(p.get("AlarmName"))).findFirst().orElseThrow();
            List<String> ids = ((List<Map<String, Object>>) alarm.get("Metrics")).stream()
                    .map(m -> String.valueOf(m.get("Id"))).toList();
            assertThat(ids).as(name).hasSize(3).endsWith("read");
        }
    }

    @Test
    void everyAlarmOnTheJobNamespaceNamesAMetricFromTheSharedContract() {
        List<String> checked = new ArrayList<>();
        for (var alarm : pipeline.resourcesOfType("AWS::CloudWatch::Alarm").values()) {
            for (Map<String, Object> metric : alarmMetrics(SynthesizedPipeline.properties(alarm))) {
                if (MetricNames.DEFAULT_NAMESPACE.equals(metric.get("Namespace"))) {
                    assertThat(MetricNames.ALL).as("alarm metric %s must be a MetricNames constant", metric.get("MetricName"))
                            .contains(String.valueOf(metric.get("MetricName")));
                    checked.add(String.valueOf(metric.get("MetricName")));
                }
            }
        }
        assertThat(checked).hasSizeGreaterThan(8);
    }

    @Test
    void opsTopicPolicyLetsThisPipelinesAlarmsPublishNextToTheTlsDeny() {
        var policies = pipeline.resourcesOfType("AWS::SNS::TopicPolicy");
        String ops = policies.values().stream().map(p -> String.valueOf(SynthesizedPipeline.properties(p)))
                .filter(text -> text.contains("MonitoringOpsTopic")).findFirst().orElseThrow();
        assertThat(ops).contains("cloudwatch.amazonaws.com", "sns:Publish", "aws:SourceAccount", "aws:SourceArn",
                ":alarm:sensorpipe-*", "aws:SecureTransport", "Deny");
        // The encrypted topic's key lets CloudWatch use it under the same scope.
        String keys = String.valueOf(pipeline.resourcesOfType("AWS::KMS::Key"));
        assertThat(keys).contains("AllowCloudWatchAlarmsToUseTheOpsTopic");
    }

    @Test
    void jobIsDeployedAndSupervisedByJobSupervisorsLambdas() {
        pipeline.template().resourceCountIs("Custom::SensorpipeStreamingJob", 1);
        var job = SynthesizedPipeline.properties(pipeline.resourcesOfType("Custom::SensorpipeStreamingJob").values().iterator().next());
        assertThat(job).containsEntry("Platform", "EMR_EC2").containsEntry("Name", "sensorpipe-streaming-job").containsKey("Target");
        assertThat(String.valueOf(job.get("StopMarker"))).contains("/checkpoints.stop");
        // the deploy check lists the job's commit log, and nothing else of the state bucket
        pipeline.template().hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Match.objectLike(Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Action", "s3:ListBucket",
                        "Condition", Map.of("StringLike", Map.of("s3:prefix", List.of("checkpoints/" + JobControl.COMMITS_DIR + "/*")))))))))));
        pipeline.template().hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "sensorpipe-job-deployer", "Handler", JobLifecycle.DEPLOYER_HANDLER, "Timeout", 900));
        pipeline.template().hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "sensorpipe-job-supervisor", "Handler", JobLifecycle.SUPERVISOR_HANDLER,
                "ReservedConcurrentExecutions", 1,
                "Environment", Map.of("Variables", Match.objectLike(Map.of(JobControl.Env.STATE_TABLE, Match.anyValue(),
                        JobControl.Env.OPS_TOPIC_ARN, Match.anyValue(), JobControl.Env.MAX_RESTARTS, "5",
                        JobControl.Env.STREAM_NAME, "sensorpipe-readings")))));
        pipeline.template().hasResourceProperties("AWS::Events::Rule", Map.of(
                "EventPattern", Match.objectLike(Map.of(
                        "source", List.of("aws.emr"),
                        "detail-type", List.of("EMR Step Status Change"),
                        "detail", Match.objectLike(Map.of("state", List.of("COMPLETED", "FAILED", "CANCELLED", "INTERRUPTED"))))),
                "Targets", List.of(Match.objectLike(Map.of("RetryPolicy", Map.of("MaximumRetryAttempts", 2, "MaximumEventAgeInSeconds", 3600))))));
        String dataKey = pipeline.resourcesOfType("AWS::KMS::Key").keySet().stream()
                .filter(id -> id.startsWith("DataKey")).findFirst().orElseThrow();
        pipeline.template().hasResourceProperties("AWS::DynamoDB::GlobalTable", Map.of("TableName", "sensorpipe-job-state",
                "KeySchema", List.of(Map.of("AttributeName", JobControl.State.JOB, "KeyType", "HASH")),
                "SSESpecification", Map.of("SSEEnabled", true, "SSEType", "KMS"),
                "Replicas", List.of(Match.objectLike(Map.of("SSESpecification",
                        Map.of("KMSMasterKeyId", Map.of("Fn::GetAtt", List.of(dataKey, "Arn"))))))));
        pipeline.template().hasResource("AWS::DynamoDB::GlobalTable", Map.of("Properties", Match.objectLike(Map.of("TableName", "sensorpipe-job-state")),
                "DeletionPolicy", "Delete"));
    }

    @Test
    void synthesizedJobArgumentsParseWithTheJobsOwnCommandLine() {
        List<String> args = jobArgs();
        int jar = args.indexOf(args.stream().filter(a -> a.endsWith(".jar") || a.contains("Fn::")).findFirst().orElseThrow());
        assertThat(args.get(args.indexOf("--class") + 1)).isEqualTo(JobOptions.MAIN_CLASS);
        // Everything after the jar goes to StreamingJobMain; CloudFormation tokens parse as plain strings.
        List<String> jobArgs = args.subList(jar + 1, args.size());
        CommandLine.ParseResult parsed = new CommandLine(new StreamingJobMain()).parseArgs(jobArgs.toArray(String[]::new));
        assertThat(parsed.unmatched()).isEmpty();
        assertThat(parsed.hasMatchedOption(JobOptions.STREAM)).isTrue();
        assertThat(parsed.hasMatchedOption(JobOptions.CHECKPOINT)).isTrue();
        assertThat(parsed.hasMatchedOption(JobOptions.TABLE)).isTrue();
        assertThat((String) parsed.matchedOptionValue(JobOptions.TRIGGER, null)).isEqualTo("10s");
        assertThat((Integer) parsed.matchedOptionValue(JobOptions.SHUFFLE_PARTITIONS, null)).isEqualTo(32);
        assertThat((String) parsed.matchedOptionValue(JobOptions.CLOUDWATCH_NAMESPACE, null)).isEqualTo(MetricNames.DEFAULT_NAMESPACE);
        assertThat(parsed.hasMatchedOption(JobOptions.WARM_START_ARCHIVE)).as("warm start is opt-in").isFalse();
    }

    /** The custom resource's Args as strings (CloudFormation intrinsics rendered as their JSON). */
    @SuppressWarnings("unchecked")
    private static List<String> jobArgs() {
        var job = SynthesizedPipeline.properties(pipeline.resourcesOfType("Custom::SensorpipeStreamingJob").values().iterator().next());
        return ((List<Object>) job.get("Args")).stream().map(String::valueOf).toList();
    }

    /** The metric(s) an alarm reads: its own MetricName/Namespace, or each MetricStat of a math expression. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> alarmMetrics(Map<String, Object> props) {
        List<Map<String, Object>> found = new ArrayList<>();
        if (props.containsKey("MetricName")) {
            found.add(Map.of("MetricName", props.get("MetricName"), "Namespace", String.valueOf(props.get("Namespace"))));
        }
        Object metrics = props.get("Metrics");
        if (metrics instanceof List<?> list) {
            for (Object entry : list) {
                Map<String, Object> stat = (Map<String, Object>) ((Map<String, Object>) entry).get("MetricStat");
                if (stat != null) {
                    Map<String, Object> metric = (Map<String, Object>) stat.get("Metric");
                    found.add(Map.of("MetricName", metric.get("MetricName"), "Namespace", String.valueOf(metric.get("Namespace"))));
                }
            }
        }
        return found;
    }

    @Test
    void dashboardShowsThroughputLagAnomaliesAndAlerts() {
        String body = String.valueOf(SynthesizedPipeline.properties(pipeline.resourcesOfType("AWS::CloudWatch::Dashboard").values().iterator().next())
                .get("DashboardBody"));
        assertThat(body).contains("Throughput", "Lag", "Anomalies per minute", "Alerts", "Sensorpipe",
                MetricNames.RECORDS_READ, MetricNames.WINDOWS_WRITTEN, MetricNames.ANOMALIES, MetricNames.DEAD_LETTERED,
                MetricNames.LATE_READINGS, MetricNames.BATCH_LATENCY_MS, "NumberOfMessagesPublished");
    }

    @Test
    void noIamPolicyGrantsWildcardActions() {
        List<String> actions = allPolicyActions();
        assertThat(actions).isNotEmpty();
        assertThat(actions).noneMatch(action -> action.equals("*") || action.matches("[a-z0-9-]+:\\*"));
    }

    @Test
    void writersGetPutOnlyGrants() {
        // The Spark job writes results and dead letters, never reads or deletes them.
        Map<String, Object> jobPolicy = policyOfRole("StreamingClusterInstanceRole");
        assertThat(actionsOn(jobPolicy, "TablesResults")).containsExactlyInAnyOrder(
                "dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:DescribeTable");
        assertThat(actionsOn(jobPolicy, "/dead-letters/*")).containsExactly("s3:PutObject");
        assertThat(actionsOn(jobPolicy, "/checkpoints*")).containsExactlyInAnyOrder("s3:GetObject", "s3:PutObject", "s3:DeleteObject");
        assertThat(actionsOn(jobPolicy, "/emr/*")).containsExactly("s3:PutObject");
        // The producer may only put records.
        var producer = pipeline.resourcesOfType("AWS::IAM::ManagedPolicy").values().iterator().next();
        assertThat(actionsOn(SynthesizedPipeline.properties(producer), "IngestReadings"))
                .containsExactlyInAnyOrder("kinesis:PutRecord", "kinesis:PutRecords", "kinesis:ListShards", "kinesis:DescribeStreamSummary");
        // The alert function publishes to its topic and nothing else there.
        assertThat(actionsOn(policyOfRole("AlertingFunctionRole"), "AlertingTopic")).containsExactly("sns:Publish");
    }

    @Test
    void firehoseRoleReadsTheStreamWritesTheArchiveWithTheKeyAndInvokesOnlyItsTransform() {
        Set<String> actions = new TreeSet<>();
        String resources = "";
        for (var policy : pipeline.resourcesOfType("AWS::IAM::Policy").values()) {
            var props = SynthesizedPipeline.properties(policy);
            String roles = String.valueOf(props.get("Roles"));
            if (roles.contains("IngestArchive") && !roles.contains("Transform")) {
                for (var statement : statements(props)) {
                    actions.addAll(asList(statement.get("Action")));
                }
                resources += String.valueOf(props.get("PolicyDocument"));
            }
        }
        assertThat(actions).contains("kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream", "s3:PutObject",
                "kms:Decrypt", "lambda:InvokeFunction");
        assertThat(actions.stream().anyMatch(a -> a.startsWith("kms:GenerateDataKey"))).isTrue();
        assertThat(resources).contains("IngestReadings", "BucketsArchive", "DataKey", "IngestArchiveTransform")
                .doesNotContain("BucketsState").doesNotContain("TablesResults");
    }

    @Test
    void theArchiveDeliveryRoleMayNeverDeleteOrLockArchivedObjects() {
        List<Map<String, Object>> denies = new ArrayList<>();
        for (var policy : pipeline.resourcesOfType("AWS::IAM::Policy").values()) {
            var props = SynthesizedPipeline.properties(policy);
            if (String.valueOf(props.get("Roles")).contains("IngestArchiveDeliveryRole")) {
                statements(props).stream().filter(st -> "Deny".equals(st.get("Effect"))).forEach(denies::add);
            }
        }
        assertThat(denies).singleElement().satisfies(deny -> {
            assertThat(asList(deny.get("Action"))).containsExactlyInAnyOrderElementsOf(
                    io.sensorpipe.cdk.ingest.ReadingsIngest.ARCHIVE_DELIVERY_DENIED);
            assertThat(String.valueOf(deny.get("Resource"))).contains("BucketsArchive");
        });
        // the role is the one the delivery stream writes with, and it keeps what Firehose documents it needs
        assertThat(String.valueOf(pipeline.resourcesOfType("AWS::KinesisFirehose::DeliveryStream").values()))
                .contains("IngestArchiveDeliveryRole");
        Set<String> allowed = new TreeSet<>();
        for (var policy : pipeline.resourcesOfType("AWS::IAM::Policy").values()) {
            var props = SynthesizedPipeline.properties(policy);
            if (String.valueOf(props.get("Roles")).contains("IngestArchiveDeliveryRole")) {
                statements(props).stream().filter(st -> "Allow".equals(st.get("Effect")))
                        .forEach(st -> allowed.addAll(asList(st.get("Action"))));
            }
        }
        assertThat(allowed).contains("s3:PutObject", "s3:Abort*", "s3:GetBucket*", "s3:List*", "lambda:InvokeFunction");
        List<String> firehoseNeeds = List.of("s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject",
                "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject");
        for (String denied : io.sensorpipe.cdk.ingest.ReadingsIngest.ARCHIVE_DELIVERY_DENIED) {
            String pattern = denied.replace("*", ".*");
            assertThat(firehoseNeeds).as(denied + " denies nothing Firehose needs").noneMatch(a -> a.matches(pattern));
        }
    }

    @Test
    void outputsNameEverythingAUserNeeds() {
        @SuppressWarnings("unchecked")
        Map<String, Object> outputs = (Map<String, Object>) pipeline.json().get("Outputs");
        assertThat(outputs).containsKeys("StreamName", "ResultsTableName", "AlertStateTableName", "AlertsTopicArn", "OpsTopicArn",
                "AlertsQueueUrl", "ArchiveBucketName", "StateBucketName", "EmrLogsBucketName", "DeliveryStreamName",
                "EmrClusterId", "ProducerPolicyArn", "DashboardName", "AlertFunctionName", "JobName", "JobRunId",
                "JobStateTableName", "JobSupervisorFunctionName", "JobLogUri");
    }

    // --- policy helpers ---

    private static List<String> allPolicyActions() {
        List<String> actions = new ArrayList<>();
        for (String type : List.of("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")) {
            for (var policy : pipeline.resourcesOfType(type).values()) {
                for (var statement : statements(SynthesizedPipeline.properties(policy))) {
                    actions.addAll(asList(statement.get("Action")));
                }
            }
        }
        for (var role : pipeline.resourcesOfType("AWS::IAM::Role").values()) {
            Object inline = SynthesizedPipeline.properties(role).get("Policies");
            if (inline instanceof List<?> list) {
                for (Object policy : list) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> map = (Map<String, Object>) policy;
                    for (var statement : statements(map)) {
                        actions.addAll(asList(statement.get("Action")));
                    }
                }
            }
        }
        return actions;
    }

    private static Map<String, Object> policyOfRole(String roleLogicalIdPrefix) {
        for (var policy : pipeline.resourcesOfType("AWS::IAM::Policy").values()) {
            var props = SynthesizedPipeline.properties(policy);
            if (String.valueOf(props.get("Roles")).contains(roleLogicalIdPrefix)) {
                return props;
            }
        }
        throw new AssertionError("no policy attached to a role " + roleLogicalIdPrefix);
    }

    /** Actions of the statements whose resources mention {@code resourceFragment}. */
    private static Set<String> actionsOn(Map<String, Object> policyProps, String resourceFragment) {
        Set<String> actions = new TreeSet<>();
        for (var statement : statements(policyProps)) {
            if (String.valueOf(statement.get("Resource")).contains(resourceFragment)) {
                actions.addAll(asList(statement.get("Action")));
            }
        }
        return actions;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(Map<String, Object> policyProps) {
        Map<String, Object> document = (Map<String, Object>) policyProps.get("PolicyDocument");
        return (List<Map<String, Object>>) document.get("Statement");
    }

    @SuppressWarnings("unchecked")
    private static List<String> asList(Object value) {
        if (value instanceof Collection<?> collection) {
            return new ArrayList<>((Collection<String>) collection);
        }
        return List.of(String.valueOf(value));
    }
}
