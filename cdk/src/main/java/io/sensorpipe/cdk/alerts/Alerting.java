package io.sensorpipe.cdk.alerts;

import io.sensorpipe.alerts.AlertConfig;
import io.sensorpipe.alerts.filter.AnomalyFilter;
import io.sensorpipe.cdk.config.StackConfig;
import io.sensorpipe.cdk.nag.Reasons;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.ITableV2;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.FilterCriteria;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sns.subscriptions.SqsSubscription;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Anomalous windows → alert Lambda (via the results table's stream, filtered to {@code anomaly = true}) → SNS
 * alerts topic → email + an SQS queue that the CLI tail and dashboards read.
 */
public final class Alerting extends Construct {
    public static final String HANDLER = "io.sensorpipe.alerts.AlertHandler::handleRequest";

    private static final int FUNCTION_TIMEOUT_SECONDS = 30;

    private final Key queueKey;
    private final Topic topic;
    private final Queue tailQueue;
    private final Queue tailDeadLetters;
    private final Queue failedBatches;
    private final Function function;
    private final Alias liveAlias;

    public Alerting(Construct scope, String id, StackConfig config, IKey dataKey, ITableV2 results, ITableV2 alertState) {
        super(scope, id);
        Path jar = config.requireLambdaJar();

        // Queues get their own key: SNS may use it only for this topic (a key-policy condition on the topic ARN), and
        // sharing the topic's key would make that condition a dependency cycle.
        queueKey = Key.Builder.create(this, "QueueKey")
                .alias("alias/" + config.name("alert-queues"))
                .description("sensorpipe alert queues")
                .enableKeyRotation(true)
                .pendingWindow(Duration.days(7))
                .build();

        topic = Topic.Builder.create(this, "Topic")
                .topicName(config.name("alerts"))
                .displayName("sensorpipe anomaly alerts")
                .masterKey(dataKey)
                .enforceSsl(true)
                .build();

        tailDeadLetters = Queue.Builder.create(this, "TailDeadLetters")
                .queueName(config.name("alerts-tail-dlq"))
                .encryption(QueueEncryption.KMS)
                .encryptionMasterKey(queueKey)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        tailQueue = Queue.Builder.create(this, "TailQueue")
                .queueName(config.name("alerts-tail"))
                .encryption(QueueEncryption.KMS)
                .encryptionMasterKey(queueKey)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(4))
                .deadLetterQueue(DeadLetterQueue.builder().queue(tailDeadLetters).maxReceiveCount(5).build())
                .build();
        topic.addSubscription(SqsSubscription.Builder.create(tailQueue).rawMessageDelivery(true).build());
        if (!config.alertEmail().isEmpty()) {
            topic.addSubscription(new EmailSubscription(config.alertEmail()));
        }

        // Stream batches that still fail after bisecting and retries land here (as metadata pointing at the records).
        failedBatches = Queue.Builder.create(this, "FailedBatches")
                .queueName(config.name("alerts-failed-batches"))
                .encryption(QueueEncryption.KMS)
                .encryptionMasterKey(queueKey)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        Reasons.of().suppress("AwsSolutions-SQS3", "This queue is itself the dead-letter destination of the alert function's stream mapping.")
                .applyTo(failedBatches);

        LogGroup logs = LogGroup.Builder.create(this, "FunctionLogs")
                .logGroupName("/aws/lambda/" + config.name("alerts"))
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        // Own role instead of the AWS-managed basic execution policy: logs to its one log group only.
        Role role = Role.Builder.create(this, "FunctionRole")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("sensorpipe alert function: read anomaly stream, keep cooldown state, publish alerts")
                .build();
        logs.grantWrite(role);

        var functionProps = Function.Builder.create(this, "Function")
                .functionName(config.name("alerts"))
                .description("Turns anomalous result windows into SNS alerts, with a per-sensor cooldown")
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(HANDLER)
                .code(Code.fromAsset(jar.toString()))
                .memorySize(config.alertMemoryMiB())
                .timeout(Duration.seconds(FUNCTION_TIMEOUT_SECONDS))
                .reservedConcurrentExecutions(config.alertReservedConcurrency())
                .role(role)
                .logGroup(logs)
                .environment(Map.of(
                        AlertConfig.TOPIC_ARN, topic.getTopicArn(),
                        AlertConfig.STATE_TABLE, alertState.getTableName(),
                        AlertConfig.COOLDOWN_SECONDS, Integer.toString(config.alertCooldownSeconds()),
                        // A claim whose publish never finished must outlive the invocation that made it.
                        AlertConfig.CLAIM_LEASE_SECONDS, Integer.toString(2 * FUNCTION_TIMEOUT_SECONDS),
                        "JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"));
        if (config.snapStart()) {
            functionProps.snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS);
        }
        function = functionProps.build();

        // The stream mapping targets an alias of a published version, which is what SnapStart restores from.
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish", "The function's current version is published and the stream mapping targets its alias.");
        Reasons.of().suppress("AwsSolutions-L1", "java21 is the runtime lambda-alerts is built and tested for (Java 17 bytecode) and has SnapStart; move to the next Java LTS runtime together with that module.")
                .applyTo(function);
        liveAlias = Alias.Builder.create(this, "Live").aliasName("live").version(function.getCurrentVersion()).build();

        topic.grantPublish(role);
        // Cooldown claims: conditional put, read, confirm (update), roll back (delete or put back) — one table only.
        alertState.grant(role, "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");
        // The table is encrypted with the pipeline key: say so here instead of relying on the topic's key grant,
        // which happens to cover the same key today.
        dataKey.grant(role, "kms:Decrypt", "kms:DescribeKey");
        liveAlias.addEventSource(DynamoEventSource.Builder.create(results)
                .startingPosition(StartingPosition.LATEST)
                .batchSize(100)
                .maxBatchingWindow(Duration.seconds(1))
                .bisectBatchOnError(true)
                .reportBatchItemFailures(true)
                .retryAttempts(5)
                .maxRecordAge(Duration.hours(1))
                .onFailure(new SqsDlq(failedBatches))
                // Only inserted/updated anomalous windows reach the function. The pattern is lambda-alerts' own
                // (AnomalyFilter), which its local runner applies too, so the deployed filter and the code agree.
                .filters(List.of(FilterCriteria.filter(AnomalyFilter.asMap())))
                .build());
        Reasons.of().suppress("AwsSolutions-IAM5", "CDK's KMS grants for the encrypted alerts topic and alert-state table, scoped to the pipeline key only.",
                        List.of("Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*"))
                .applyTo(role);
    }

    public Topic topic() {
        return topic;
    }

    public Queue tailQueue() {
        return tailQueue;
    }

    public Queue tailDeadLetters() {
        return tailDeadLetters;
    }

    public Queue failedBatches() {
        return failedBatches;
    }

    public Function function() {
        return function;
    }

    public Alias liveAlias() {
        return liveAlias;
    }
}
