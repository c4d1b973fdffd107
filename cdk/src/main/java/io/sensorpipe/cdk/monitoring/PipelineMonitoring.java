package io.sensorpipe.cdk.monitoring;

import io.sensorpipe.cdk.config.PipelineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.SingleValueWidget;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.SnsTopic;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.kinesisfirehose.DeliveryStream;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/** Alarms to an ops topic and one dashboard: throughput, lag, anomalies per minute, alerts. */
public final class PipelineMonitoring extends Construct {
    private final Topic opsTopic;
    private final Dashboard dashboard;
    private final List<Alarm> alarms = new ArrayList<>();

    /** What the monitoring reads; the job's runtime identity is optional (EMR cluster id or none). */
    public record Watched(IStream stream, DeliveryStream archive, IFunction archiveTransform, IFunction alertFunction, IQueue failedBatches,
                          IQueue tailDeadLetters, ITopic alertsTopic, String emrClusterId, String serverlessApplicationId) {
    }

    public PipelineMonitoring(Construct scope, String id, PipelineConfig config, IKey dataKey, Watched watched) {
        super(scope, id);
        opsTopic = Topic.Builder.create(this, "OpsTopic")
                .topicName(config.name("ops"))
                .displayName("sensorpipe operations alarms")
                .masterKey(dataKey)
                .enforceSsl(true)
                .build();
        if (!config.opsEmail().isEmpty()) {
            opsTopic.addSubscription(new EmailSubscription(config.opsEmail()));
        }
        // Alarms publish to the encrypted topic with the pipeline key (the EventBridge target adds its own grant).
        dataKey.grant(new ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey");
        SnsAction notifyOps = new SnsAction(opsTopic);

        Duration minute = Duration.minutes(1);
        Duration fiveMinutes = Duration.minutes(5);
        IMetric iteratorAge = watched.stream().metricGetRecordsIteratorAgeMilliseconds(MetricOptions.builder().statistic("Maximum").period(minute).build());
        IMetric writeThrottles = watched.stream().metricPutRecordsThrottledRecords(MetricOptions.builder().statistic("Sum").period(minute).build());
        IMetric readThrottles = watched.stream().metricReadProvisionedThroughputExceeded(MetricOptions.builder().statistic("Sum").period(minute).build());
        IMetric incoming = watched.stream().metricIncomingRecords(MetricOptions.builder().statistic("Sum").period(minute).build());
        IMetric lambdaErrors = watched.alertFunction().metricErrors(MetricOptions.builder().statistic("Sum").period(fiveMinutes).build());
        IMetric lambdaInvocations = watched.alertFunction().metricInvocations(MetricOptions.builder().statistic("Sum").period(minute).build());
        IMetric failedBatches = watched.failedBatches().metricApproximateNumberOfMessagesVisible(MetricOptions.builder().statistic("Maximum").period(fiveMinutes).build());
        IMetric tailDeadLetters = watched.tailDeadLetters().metricApproximateNumberOfMessagesVisible(MetricOptions.builder().statistic("Maximum").period(fiveMinutes).build());
        IMetric alertsPublished = Metric.Builder.create().namespace("AWS/SNS").metricName("NumberOfMessagesPublished")
                .dimensionsMap(Map.of("TopicName", watched.alertsTopic().getTopicName())).statistic("Sum").period(minute).build();
        IMetric archiveFreshness = watched.archive().metric("DeliveryToS3.DataFreshness", MetricOptions.builder().statistic("Maximum").period(fiveMinutes).build());

        String stream = watched.stream().getStreamName();
        IMetric recordsRead = job(config, stream, JobMetrics.RECORDS_READ, "Sum", minute);
        IMetric windowsWritten = job(config, stream, JobMetrics.WINDOWS_WRITTEN, "Sum", minute);
        IMetric anomalies = job(config, stream, JobMetrics.ANOMALIES, "Sum", minute);
        IMetric deadLettered = job(config, stream, JobMetrics.DEAD_LETTERED, "Sum", minute);
        IMetric lateReadings = job(config, stream, JobMetrics.LATE_READINGS, "Sum", minute);
        IMetric batchLatency = job(config, stream, JobMetrics.BATCH_LATENCY_MS, "Maximum", minute);

        alarm(config, "StreamIteratorAge", iteratorAge, config.iteratorAgeAlarmMs(), 3,
                "Readings wait longer than " + config.iteratorAgeAlarmMs() + " ms in the stream: the job falls behind", notifyOps);
        alarm(config, "StreamWriteThrottled", writeThrottles, 1, 5,
                "Producers are throttled by the stream (raise shards or use on-demand)", notifyOps);
        alarm(config, "StreamReadThrottled", readThrottles, 1, 5,
                "Consumers (job, Firehose) are throttled reading the stream", notifyOps);
        alarm(config, "AlertFunctionErrors", lambdaErrors, 1, 1,
                "The alert function failed on at least one batch", notifyOps);
        alarm(config, "AlertFailedBatches", failedBatches, 1, 1,
                "Alert batches gave up after retries and sit in " + config.name("alerts-failed-batches"), notifyOps);
        alarm(config, "AlertTailDeadLetters", tailDeadLetters, 1, 1,
                "Alert messages could not be consumed from the tail queue", notifyOps);
        alarm(config, "JobBatchLatency", batchLatency, config.jobLagAlarmMs(), 3,
                "Streaming job micro-batches take longer than " + config.jobLagAlarmMs() + " ms", notifyOps);
        alarm(config, "ArchiveTransformErrors",
                watched.archiveTransform().metricErrors(MetricOptions.builder().statistic("Sum").period(fiveMinutes).build()), 1, 1,
                "The archive transform function failed (Firehose retries, then writes the batch to errors/)", notifyOps);
        alarm(config, "ArchiveFreshness", archiveFreshness, 2 * Math.max(60, config.firehoseBufferSeconds()) , 2,
                "Firehose delivery to the archive bucket lags", notifyOps);

        if (watched.emrClusterId() != null) {
            // A failed or cancelled step means the streaming job stopped.
            Rule stepFailed = Rule.Builder.create(this, "EmrStepFailed")
                    .ruleName(config.name("emr-step-failed"))
                    .description("The sensorpipe streaming step failed or was cancelled")
                    .eventPattern(EventPattern.builder()
                            .source(List.of("aws.emr"))
                            .detailType(List.of("EMR Step Status Change"))
                            .detail(Map.of("state", List.of("FAILED", "CANCELLED"), "clusterId", List.of(watched.emrClusterId())))
                            .build())
                    .build();
            stepFailed.addTarget(new SnsTopic(opsTopic));
            // Belt and braces: an idle cluster is one whose streaming step no longer runs.
            IMetric idle = Metric.Builder.create().namespace("AWS/ElasticMapReduce").metricName("IsIdle")
                    .dimensionsMap(Map.of("JobFlowId", watched.emrClusterId())).statistic("Minimum").period(fiveMinutes).build();
            alarm(config, "EmrClusterIdle", idle, 1, 3, "The EMR cluster runs no step: the streaming job is down", notifyOps);
        }

        if (watched.serverlessApplicationId() != null) {
            Rule jobFailed = Rule.Builder.create(this, "ServerlessJobFailed")
                    .ruleName(config.name("serverless-job-failed"))
                    .description("The sensorpipe streaming job run on EMR Serverless failed or was cancelled")
                    .eventPattern(EventPattern.builder()
                            .source(List.of("aws.emr-serverless"))
                            .detailType(List.of("EMR Serverless Job Run State Change"))
                            .detail(Map.of("state", List.of("FAILED", "CANCELLED"), "applicationId", List.of(watched.serverlessApplicationId())))
                            .build())
                    .build();
            jobFailed.addTarget(new SnsTopic(opsTopic));
        }

        List<IWidget> row1 = List.of(
                graph("Throughput (records/min)", List.of(incoming, recordsRead, windowsWritten)),
                graph("Lag", List.of(iteratorAge, batchLatency)));
        List<IWidget> row2 = List.of(
                graph("Anomalies per minute", List.of(anomalies)),
                graph("Alerts (published, function invocations)", List.of(alertsPublished, lambdaInvocations)));
        List<IWidget> row3 = List.of(
                graph("Data quality (dead-lettered, late)", List.of(deadLettered, lateReadings)),
                graph("Failures", List.of(lambdaErrors, failedBatches, writeThrottles, readThrottles)));
        dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(config.name("pipeline"))
                .defaultInterval(Duration.hours(3))
                .widgets(List.of(
                        List.of(TextWidget.Builder.create().markdown("# sensorpipe `" + config.prefix() + "`  readings → Kinesis → Spark → DynamoDB → Lambda → SNS").width(24).height(1).build()),
                        row1, row2, row3,
                        List.of(SingleValueWidget.Builder.create().title("Last hour").metrics(List.of(
                                job(config, stream, JobMetrics.RECORDS_READ, "Sum", Duration.hours(1)),
                                job(config, stream, JobMetrics.ANOMALIES, "Sum", Duration.hours(1)),
                                job(config, stream, JobMetrics.DEAD_LETTERED, "Sum", Duration.hours(1)))).width(24).height(3).build())))
                .build();
    }

    private static Metric job(PipelineConfig config, String stream, String name, String statistic, Duration period) {
        return Metric.Builder.create().namespace(config.metricsNamespace()).metricName(name)
                .dimensionsMap(Map.of(JobMetrics.STREAM_DIMENSION, stream)).statistic(statistic).period(period).build();
    }

    private void alarm(PipelineConfig config, String id, IMetric metric, double threshold, int periods, String description, SnsAction action) {
        Alarm alarm = Alarm.Builder.create(this, id)
                .alarmName(config.name(kebab(id)))
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .evaluationPeriods(periods)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
        alarms.add(alarm);
    }

    private static GraphWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(12).height(6).build();
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    public Topic opsTopic() {
        return opsTopic;
    }

    public Dashboard dashboard() {
        return dashboard;
    }

    public List<Alarm> alarms() {
        return List.copyOf(alarms);
    }
}
