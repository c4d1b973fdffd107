package io.sensorpipe.cdk.monitoring;

import io.sensorpipe.cdk.config.StackConfig;
import io.sensorpipe.contract.MetricNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.dynamodb.ITableV2;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
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
                          IQueue tailDeadLetters, ITopic alertsTopic, ITableV2 results, ITableV2 alertState, String emrClusterId,
                          String serverlessApplicationId) {
    }

    /** Missing data: most alarms watch counts that are simply absent when nothing happens. */
    private enum Missing { OK, BREACHING }

    public PipelineMonitoring(Construct scope, String id, StackConfig config, IKey dataKey, Watched watched) {
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
        // enforceSsl gives the topic a policy of its own, which replaces SNS' default one: without this statement
        // CloudWatch alarm actions fail to publish. Scoped to this account's alarms of this pipeline.
        opsTopic.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AllowCloudWatchAlarmsOfThisPipeline")
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("sns:Publish"))
                .resources(List.of(opsTopic.getTopicArn()))
                .conditions(Map.of(
                        "StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID),
                        "ArnLike", Map.of("aws:SourceArn", alarmArnPattern(config))))
                .build());
        // Alarms publish to the encrypted topic with the pipeline key: CloudWatch needs the key too (same scope).
        dataKey.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AllowCloudWatchAlarmsToUseTheOpsTopic")
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
                .resources(List.of("*"))
                .conditions(Map.of(
                        "StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID),
                        "ArnLike", Map.of("aws:SourceArn", alarmArnPattern(config))))
                .build());
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
        IMetric recordsRead = job(config, stream, MetricNames.RECORDS_READ, "Sum", minute);
        IMetric windowsWritten = job(config, stream, MetricNames.WINDOWS_WRITTEN, "Sum", minute);
        IMetric anomalies = job(config, stream, MetricNames.ANOMALIES, "Sum", minute);
        IMetric deadLettered = job(config, stream, MetricNames.DEAD_LETTERED, "Sum", minute);
        IMetric lateReadings = job(config, stream, MetricNames.LATE_READINGS, "Sum", minute);
        IMetric batchLatency = job(config, stream, MetricNames.BATCH_LATENCY_MS, "Maximum", minute);
        IMetric lag = job(config, stream, MetricNames.MILLIS_BEHIND_LATEST, "Maximum", minute);
        IMetric heartbeat = job(config, stream, MetricNames.RECORDS_READ, "SampleCount", fiveMinutes);
        IMetric unscored = job(config, stream, MetricNames.UNSCORED_WINDOWS, "Sum", fiveMinutes);
        IMetric modelResets = job(config, stream, MetricNames.MODEL_RESETS, "Sum", fiveMinutes);
        IMetric restartsExhausted = job(config, stream, MetricNames.JOB_RESTARTS_EXHAUSTED, "Sum", minute);
        IMetric readFiveMinutes = job(config, stream, MetricNames.RECORDS_READ, "Sum", fiveMinutes);
        IMetric deadLetterRate = MathExpression.Builder.create()
                .expression("IF(read > 0, 100 * dead / read, 0)")
                .usingMetrics(inOrder("dead", job(config, stream, MetricNames.DEAD_LETTERED, "Sum", fiveMinutes), "read", readFiveMinutes))
                .label("dead-lettered %").period(fiveMinutes).build();
        IMetric lateRate = MathExpression.Builder.create()
                .expression("IF(read > 0, 100 * late / read, 0)")
                .usingMetrics(inOrder("late", job(config, stream, MetricNames.LATE_READINGS, "Sum", fiveMinutes), "read", readFiveMinutes))
                .label("late %").period(fiveMinutes).build();
        IMetric alertThrottles = watched.alertFunction().metricThrottles(MetricOptions.builder().statistic("Sum").period(fiveMinutes).build());
        IMetric alertIteratorAge = watched.alertFunction().metric("IteratorAge", MetricOptions.builder().statistic("Maximum").period(minute).build());
        IMetric archiveSuccess = watched.archive().metric("DeliveryToS3.Success", MetricOptions.builder().statistic("Average").period(fiveMinutes).build());

        alarm(config, "StreamIteratorAge", iteratorAge, config.iteratorAgeAlarmMs(), 3,
                "Readings wait longer than " + config.iteratorAgeAlarmMs() + " ms in the stream: the job falls behind", notifyOps);
        alarm(config, "StreamWriteThrottled", writeThrottles, 1, 5,
                "Producers are throttled by the stream (raise shards or use on-demand)", notifyOps);
        alarm(config, "StreamReadThrottled", readThrottles, 1, 5,
                "Consumers (job, Firehose) are throttled reading the stream", notifyOps);
        alarm(config, "AlertFunctionErrors", lambdaErrors, 1, 1,
                "The alert function failed on at least one batch", notifyOps);
        alarm(config, "AlertFunctionThrottles", alertThrottles, 1, 1,
                "The alert function is throttled (reserved concurrency " + config.alertReservedConcurrency() + "): alerts are delayed", notifyOps);
        alarm(config, "AlertFunctionIteratorAge", alertIteratorAge, config.iteratorAgeAlarmMs(), 3,
                "Anomalies wait longer than " + config.iteratorAgeAlarmMs() + " ms in the results stream before the alert function sees them", notifyOps);
        alarm(config, "AlertFailedBatches", failedBatches, 1, 1,
                "Alert batches gave up after retries and sit in " + config.name("alerts-failed-batches"), notifyOps);
        alarm(config, "AlertTailDeadLetters", tailDeadLetters, 1, 1,
                "Alert messages could not be consumed from the tail queue", notifyOps);
        for (var table : List.of(Map.entry("Results", watched.results()), Map.entry("AlertState", watched.alertState()))) {
            for (String kind : List.of("Write", "Read")) {
                IMetric throttles = Metric.Builder.create().namespace("AWS/DynamoDB").metricName(kind + "ThrottleEvents")
                        .dimensionsMap(Map.of("TableName", table.getValue().getTableName())).statistic("Sum").period(fiveMinutes).build();
                alarm(config, "Table" + table.getKey() + kind + "Throttles", throttles, 1, 1,
                        "DynamoDB throttles " + kind.toLowerCase(java.util.Locale.ROOT) + "s on the " + table.getKey() + " table (on-demand: a hot partition or a sudden surge)", notifyOps);
            }
        }
        // The heartbeat: the job publishes RecordsRead every micro-batch, even 0; no datum means no job.
        alarm(config, "JobHeartbeat", heartbeat, 1, 2, ComparisonOperator.LESS_THAN_THRESHOLD, Missing.BREACHING,
                "The streaming job published no RecordsRead for 10 minutes: it is not running (or cannot reach CloudWatch)", notifyOps);
        alarm(config, "JobBatchLatency", batchLatency, config.jobLagAlarmMs(), 3,
                "Streaming job micro-batches take longer than " + config.jobLagAlarmMs() + " ms", notifyOps);
        alarm(config, "JobLag", lag, config.iteratorAgeAlarmMs(), 3,
                "The job reads more than " + config.iteratorAgeAlarmMs() + " ms behind the tip of the stream (MillisBehindLatest)", notifyOps);
        alarm(config, "JobDeadLetterRate", deadLetterRate, 5, 3,
                "More than 5 % of the readings are dead-lettered (malformed or invalid): look at dead-letters/ for the reason", notifyOps);
        alarm(config, "JobLateRate", lateRate, 5, 3,
                "More than 5 % of the readings arrive behind the watermark: producers lag or the watermark is too tight", notifyOps);
        alarm(config, "JobUnscoredWindows", unscored, 1, 1,
                "The scorer failed on windows (written without a score): see the job's driver log", notifyOps);
        alarm(config, "JobModelResets", modelResets, 1, 1,
                "Sensor models could not be restored from state and started fresh (their anomaly history is lost)", notifyOps);
        alarm(config, "JobRestartsExhausted", restartsExhausted, 1, 1,
                "The supervisor reached its restart cap: the streaming job is down until an operator restarts it (scripts/job restart)", notifyOps);
        alarm(config, "ArchiveTransformErrors",
                watched.archiveTransform().metricErrors(MetricOptions.builder().statistic("Sum").period(fiveMinutes).build()), 1, 1,
                "The archive transform function failed (Firehose retries, then writes the batch to errors/processing-failed/): once it is fixed, put the readings back with scripts/archive redrive", notifyOps);
        alarm(config, "ArchiveFreshness", archiveFreshness, 2 * Math.max(60, config.firehoseBufferSeconds()) , 2,
                "Firehose delivery to the archive bucket lags", notifyOps);
        alarm(config, "ArchiveDeliverySuccess", archiveSuccess, 1, 3, ComparisonOperator.LESS_THAN_THRESHOLD, Missing.OK,
                "Some Firehose deliveries to the archive bucket fail (DeliveryToS3.Success below 1): check the bucket policy and key grants", notifyOps);

        if (watched.emrClusterId() != null) {
            // Belt and braces: an idle cluster is one whose streaming step no longer runs.
            IMetric idle = Metric.Builder.create().namespace("AWS/ElasticMapReduce").metricName("IsIdle")
                    .dimensionsMap(Map.of("JobFlowId", watched.emrClusterId())).statistic("Minimum").period(fiveMinutes).build();
            alarm(config, "EmrClusterIdle", idle, 1, 3, "The EMR cluster runs no step: the streaming job is down", notifyOps);
            IMetric unhealthy = Metric.Builder.create().namespace("AWS/ElasticMapReduce").metricName("MRUnhealthyNodes")
                    .dimensionsMap(Map.of("JobFlowId", watched.emrClusterId())).statistic("Maximum").period(fiveMinutes).build();
            alarm(config, "EmrUnhealthyNodes", unhealthy, 1, 2, "EMR reports unhealthy nodes (disk full, failed health checks): capacity is reduced", notifyOps);
            IMetric lost = Metric.Builder.create().namespace("AWS/ElasticMapReduce").metricName("MRLostNodes")
                    .dimensionsMap(Map.of("JobFlowId", watched.emrClusterId())).statistic("Maximum").period(fiveMinutes).build();
            alarm(config, "EmrLostNodes", lost, 1, 2, "EMR lost nodes (instance failure or reclaimed capacity)", notifyOps);
        }

        List<IWidget> row1 = List.of(
                graph("Throughput (records/min)", List.of(incoming, recordsRead, windowsWritten)),
                graph("Lag", List.of(iteratorAge, lag, batchLatency)));
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
                                job(config, stream, MetricNames.RECORDS_READ, "Sum", Duration.hours(1)),
                                job(config, stream, MetricNames.ANOMALIES, "Sum", Duration.hours(1)),
                                job(config, stream, MetricNames.DEAD_LETTERED, "Sum", Duration.hours(1)))).width(24).height(3).build())))
                .build();
    }

    private static Metric job(StackConfig config, String stream, String name, String statistic, Duration period) {
        return Metric.Builder.create().namespace(config.metricsNamespace()).metricName(name)
                .dimensionsMap(Map.of(MetricNames.STREAM_DIMENSION, stream)).statistic(statistic).period(period).build();
    }

    private void alarm(StackConfig config, String id, IMetric metric, double threshold, int periods, String description, SnsAction action) {
        alarm(config, id, metric, threshold, periods, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, Missing.OK, description, action);
    }

    private void alarm(StackConfig config, String id, IMetric metric, double threshold, int periods, ComparisonOperator comparison,
                       Missing missing, String description, SnsAction action) {
        Alarm alarm = Alarm.Builder.create(this, id)
                .alarmName(config.name(kebab(id)))
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .evaluationPeriods(periods)
                .comparisonOperator(comparison)
                .treatMissingData(missing == Missing.BREACHING ? TreatMissingData.BREACHING : TreatMissingData.NOT_BREACHING)
                .build();
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
        alarms.add(alarm);
    }

    /** Alarms on the supervisor itself (it must not fail silently either). */
    public void watchSupervisor(StackConfig config, IFunction supervisor, IFunction deployer) {
        SnsAction notifyOps = new SnsAction(opsTopic);
        alarm(config, "JobSupervisorErrors", supervisor.metricErrors(MetricOptions.builder().statistic("Sum").period(Duration.minutes(5)).build()), 1, 1,
                "The job supervisor failed: a failed job may not have been restarted (see its log group)", notifyOps);
        alarm(config, "JobDeployerErrors", deployer.metricErrors(MetricOptions.builder().statistic("Sum").period(Duration.minutes(5)).build()), 1, 1,
                "The job deployer failed (the stack update reports why)", notifyOps);
    }

    /** Every alarm of this pipeline is named {@code <prefix>-...}: the topic and key policies allow exactly those. */
    private static String alarmArnPattern(StackConfig config) {
        return "arn:" + Aws.PARTITION + ":cloudwatch:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":alarm:" + config.prefix() + "-*";
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
    /**
     * A math expression's metrics in a fixed order. They become the alarm's {@code Metrics} list in the template, and
     * {@code Map.of} iterates in an order that changes with every JVM: each synth would then reorder the list, and
     * every deploy would update the alarm for nothing.
     */
    private static Map<String, IMetric> inOrder(String firstId, IMetric first, String secondId, IMetric second) {
        Map<String, IMetric> metrics = new LinkedHashMap<>();
        metrics.put(firstId, first);
        metrics.put(secondId, second);
        return metrics;
    }
}
