package io.sensorpipe.cdk;

import io.sensorpipe.cdk.alerts.Alerting;
import io.sensorpipe.cdk.compute.EmrClusterJob;
import io.sensorpipe.cdk.compute.EmrServerlessJob;
import io.sensorpipe.cdk.compute.JobLifecycle;
import io.sensorpipe.cdk.compute.JobNetwork;
import io.sensorpipe.cdk.compute.StreamingJobStep;
import io.sensorpipe.cdk.config.StackConfig;
import io.sensorpipe.cdk.config.StackConfig.ComputeMode;
import io.sensorpipe.cdk.ingest.ReadingsIngest;
import io.sensorpipe.cdk.monitoring.PipelineMonitoring;
import io.sensorpipe.cdk.storage.PipelineBuckets;
import io.sensorpipe.cdk.storage.ResultsTables;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.constructs.Construct;

/**
 * The whole pipeline in one stack: readings stream + archive, results tables, the Spark job (EMR on EC2 or EMR
 * Serverless), alerting, monitoring. Every physical name comes from {@link StackConfig#name}.
 */
public final class PipelineStack extends Stack {
    private final StackConfig config;
    private final Key dataKey;
    private final PipelineBuckets buckets;
    private final ResultsTables tables;
    private final ReadingsIngest ingest;
    private final Alerting alerting;
    private final EmrClusterJob emrCluster;
    private final EmrServerlessJob emrServerless;
    private final PipelineMonitoring monitoring;
    private final JobLifecycle lifecycle;

    public PipelineStack(Construct scope, String id, StackConfig config) {
        super(scope, id, StackProps.builder()
                .stackName(config.prefix())
                // Region-specific (the KMS-encrypted GlobalTable replica needs it), account-agnostic: no lookups.
                .env(Environment.builder().region(config.region()).build())
                .description("sensorpipe: sensor readings -> Kinesis -> Spark on EMR -> DynamoDB -> Lambda -> SNS, archived by Firehose to S3")
                .build());
        this.config = config;
        Tags.of(this).add("project", "sensorpipe");
        Tags.of(this).add("sensorpipe:prefix", config.prefix());

        // One customer-managed key for the pipeline's data at rest (stream, tables, buckets, topics, queues).
        dataKey = Key.Builder.create(this, "DataKey")
                .alias("alias/" + config.dataName("data"))
                .description("sensorpipe data at rest")
                .enableKeyRotation(true)
                .pendingWindow(Duration.days(7))
                .removalPolicy(config.retainData() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .build();

        buckets = new PipelineBuckets(this, "Buckets", config, dataKey);
        tables = new ResultsTables(this, "Tables", config, dataKey);
        ingest = new ReadingsIngest(this, "Ingest", config, dataKey, buckets.archive());
        alerting = new Alerting(this, "Alerting", config, dataKey, tables.results(), tables.alertState());

        JobNetwork network = new JobNetwork(this, "Network", config);
        Asset jobJar = Asset.Builder.create(this, "StreamingJobJar").path(config.requireEmrJar().toString()).build();
        StreamingJobStep job = new StreamingJobStep(config, ingest.stream(), tables.results(), buckets, dataKey, jobJar);
        JobLifecycle.Target target;
        if (config.compute() == ComputeMode.EMR_SERVERLESS) {
            emrCluster = null;
            emrServerless = new EmrServerlessJob(this, "StreamingServerless", config, network, job, buckets.emrLogs());
            target = new JobLifecycle.Target(null, emrServerless.application().getAttrApplicationId(), emrServerless.executionRole(),
                    emrServerless.logUri());
        } else {
            emrCluster = new EmrClusterJob(this, "StreamingCluster", config, network, job, dataKey, buckets.emrLogs());
            emrServerless = null;
            target = new JobLifecycle.Target(emrCluster.cluster().getRef(), null, null, "s3://" + buckets.emrLogs().getBucketName() + "/emr/");
        }

        monitoring = new PipelineMonitoring(this, "Monitoring", config, dataKey, new PipelineMonitoring.Watched(
                ingest.stream(), ingest.archiveDelivery(), ingest.archiveTransform(), alerting.liveAlias(), alerting.failedBatches(),
                alerting.tailDeadLetters(), alerting.topic(), tables.results(), tables.alertState(),
                emrCluster == null ? null : emrCluster.cluster().getRef(),
                emrServerless == null ? null : emrServerless.application().getAttrApplicationId()));
        lifecycle = new JobLifecycle(this, "Job", config, job, target, dataKey, buckets.state(), monitoring.opsTopic());
        monitoring.watchSupervisor(config, lifecycle.supervisor(), lifecycle.deployer());

        outputs();
    }

    private void outputs() {
        output("StreamName", ingest.stream().getStreamName(), "Kinesis stream the producer writes readings to");
        output("StreamArn", ingest.stream().getStreamArn(), "ARN of the readings stream");
        output("ProducerPolicyArn", ingest.producerPolicy().getManagedPolicyArn(), "Attach to the identity that runs kpl-producer (put-only)");
        output("DeliveryStreamName", ingest.archiveDelivery().getDeliveryStreamName(), "Firehose archiving raw readings");
        output("ResultsTableName", tables.results().getTableName(), "DynamoDB window results (GSI anomalies-by-day)");
        output("AlertStateTableName", tables.alertState().getTableName(), "DynamoDB alert cooldown state");
        output("AlertsTopicArn", alerting.topic().getTopicArn(), "SNS topic with anomaly alerts");
        output("AlertsQueueUrl", alerting.tailQueue().getQueueUrl(), "SQS queue subscribed to the alerts topic (CLI tail)");
        output("AlertsQueueName", alerting.tailQueue().getQueueName(), "Name of the alerts tail queue");
        output("AlertFailedBatchesQueueUrl", alerting.failedBatches().getQueueUrl(), "Stream batches the alert function gave up on");
        output("AlertFunctionName", alerting.function().getFunctionName(), "Alert Lambda function");
        output("OpsTopicArn", monitoring.opsTopic().getTopicArn(), "SNS topic receiving operational alarms");
        output("ArchiveBucketName", buckets.archive().getBucketName(), "Raw readings archive (raw/year=/month=/day=/hour=)");
        output("StateBucketName", buckets.state().getBucketName(), "Job checkpoints and dead letters");
        output("CheckpointLocation", buckets.checkpointLocation(), "Spark checkpoint location");
        output("DeadLetterLocation", buckets.deadLetterLocation(), "Dead-lettered readings");
        output("EmrLogsBucketName", buckets.emrLogs().getBucketName(), "EMR logs");
        output("AccessLogsBucketName", buckets.accessLogs().getBucketName(), "S3 server access logs");
        output("DashboardName", monitoring.dashboard().getDashboardName(), "CloudWatch dashboard");
        output("Region", getRegion(), "Region of the pipeline");
        if (emrCluster != null) {
            output("EmrClusterId", emrCluster.cluster().getRef(), "EMR cluster running the streaming step");
        }
        if (emrServerless != null) {
            output("EmrServerlessApplicationId", emrServerless.application().getAttrApplicationId(), "EMR Serverless application of the job");
        }
        output("JobName", config.name("streaming-job"), "Step / job-run name of the streaming job (the supervisor's key)");
        output("JobRunId", lifecycle.runId(), "Step id or job-run id the last deploy started (restarts change it: scripts/job status)");
        output("JobStateTableName", lifecycle.state().getTableName(), "The supervisor's state (current run, restarts)");
        output("JobSupervisorFunctionName", lifecycle.supervisor().getFunctionName(), "Lambda behind scripts/job status|stop|restart");
        output("JobLogUri", emrCluster != null ? "s3://" + buckets.emrLogs().getBucketName() + "/emr/" : emrServerless.logUri(),
                "Where the job's step / job-run logs are");
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    public StackConfig config() {
        return config;
    }

    public Key dataKey() {
        return dataKey;
    }
}
