package io.sensorpipe.cli.resources;

import io.sensorpipe.cli.aws.CliAwsClients;
import io.sensorpipe.aws.DynamoTables;
import io.sensorpipe.contract.TableSpec;
import io.sensorpipe.contract.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CreateBucketConfiguration;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates, idempotently, the resources the CDK app defines, so the local cloud (or a sandbox account) has the
 * same stream, tables, buckets, topic and queue. Existing resources are left as they are; a second run only
 * describes. Each step reports "created" or "exists" so the user sees what changed.
 */
public final class LocalResources {
    private final CliAwsClients aws;

    private static final java.time.Duration STREAM_ACTIVE_TIMEOUT = java.time.Duration.ofMinutes(3);

    public LocalResources(CliAwsClients aws) {
        this.aws = aws;
    }

    /** What {@link #createAll} made or found. */
    public record Created(String streamArn, String resultsTableArn, String resultsStreamArn, String alertStateTableArn,
                          String archiveBucket, String checkpointBucket, String topicArn, String queueUrl,
                          String queueArn, String subscriptionArn, List<String> actions) {
    }

    public Created createAll(ResourceNames names) {
        List<String> actions = new ArrayList<>();
        String streamArn = ensureStream(names.stream(), names.shards(), actions);
        TableDescription results = ensureResultsTable(names.resultsTable(), actions);
        TableDescription alertState = ensureAlertStateTable(names.alertStateTable(), actions);
        ensureBucket(names.archiveBucket(), actions);
        ensureBucket(names.checkpointBucket(), actions);
        String topicArn = ensureTopic(names.alertTopic(), actions);
        String queueUrl = ensureQueue(names.alertQueue(), actions);
        String queueArn = queueArn(queueUrl);
        String subscriptionArn = ensureQueueSubscribed(topicArn, queueUrl, queueArn, actions);
        return new Created(streamArn, results.tableArn(), results.latestStreamArn(), alertState.tableArn(),
                names.archiveBucket(), names.checkpointBucket(), topicArn, queueUrl, queueArn, subscriptionArn,
                List.copyOf(actions));
    }

    // ------------------------------------------------------------------ Kinesis

    public String ensureStream(String stream, int shards, List<String> actions) {
        KinesisClient kinesis = aws.kinesis();
        try {
            kinesis.createStream(r -> r.streamName(stream).shardCount(shards));
            actions.add("created stream " + stream + " (" + shards + " shards)");
        } catch (software.amazon.awssdk.services.kinesis.model.ResourceInUseException e) {
            actions.add("exists  stream " + stream);
        }
        // Polls itself: the SDK waiter sleeps 10 s between checks, a local stream is ACTIVE within a second.
        long deadline = System.nanoTime() + STREAM_ACTIVE_TIMEOUT.toNanos();
        long sleepMillis = 100;
        while (true) {
            StreamDescriptionSummary summary =
                    kinesis.describeStreamSummary(r -> r.streamName(stream)).streamDescriptionSummary();
            if (summary.streamStatus() == StreamStatus.ACTIVE || summary.streamStatus() == StreamStatus.UPDATING) {
                return summary.streamARN();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("stream " + stream + " not ACTIVE after " + STREAM_ACTIVE_TIMEOUT
                        + " (status " + summary.streamStatusAsString() + ")");
            }
            sleep(sleepMillis);
            sleepMillis = Math.min(2000, sleepMillis * 2);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a resource", e);
        }
    }

    // ------------------------------------------------------------------ DynamoDB

    public TableDescription ensureResultsTable(String table, List<String> actions) {
        return ensureTable(Tables.RESULTS, table, actions);
    }

    public TableDescription ensureAlertStateTable(String table, List<String> actions) {
        return ensureTable(Tables.ALERT_STATE, table, actions);
    }

    /** The shared table shape, created as everywhere else (see {@link DynamoTables#createIfMissing}). */
    private TableDescription ensureTable(TableSpec spec, String table, List<String> actions) {
        DynamoTables.Ensured ensured = DynamoTables.createIfMissing(aws.dynamo(), spec, table);
        actions.add((ensured.created() ? "created table " : "exists  table ") + table);
        if (ensured.ttlEnabledNow()) {
            actions.add("enabled TTL on " + table + "." + spec.ttlAttribute());
        }
        return ensured.table();
    }

    // ------------------------------------------------------------------ S3

    public void ensureBucket(String bucket, List<String> actions) {
        S3Client s3 = aws.s3();
        try {
            s3.headBucket(r -> r.bucket(bucket));
            actions.add("exists  bucket " + bucket);
            return;
        } catch (NoSuchBucketException e) {
            // create below
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
        }
        Region region = s3.serviceClientConfiguration().region();
        try {
            if (Region.US_EAST_1.equals(region)) {
                s3.createBucket(r -> r.bucket(bucket));
            } else {
                s3.createBucket(r -> r.bucket(bucket).createBucketConfiguration(
                        CreateBucketConfiguration.builder().locationConstraint(region.id()).build()));
            }
            actions.add("created bucket " + bucket);
        } catch (BucketAlreadyOwnedByYouException raced) {
            actions.add("exists  bucket " + bucket);
        }
    }

    // ------------------------------------------------------------------ SNS + SQS

    public String ensureTopic(String topic, List<String> actions) {
        // CreateTopic is idempotent for the same name and attributes: it returns the existing ARN.
        String arn = aws.sns().createTopic(r -> r.name(topic)).topicArn();
        actions.add("ensured topic " + arn);
        return arn;
    }

    public String ensureQueue(String queue, List<String> actions) {
        // CreateQueue is idempotent for the same attributes; no attributes are set here so reruns never conflict.
        String url = aws.sqs().createQueue(r -> r.queueName(queue)).queueUrl();
        actions.add("ensured queue " + url);
        return url;
    }

    public String queueArn(String queueUrl) {
        return aws.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** Subscribes the queue once (a second Subscribe could double every alert) and lets the topic send to it. */
    public String ensureQueueSubscribed(String topicArn, String queueUrl, String queueArn, List<String> actions) {
        SqsClient sqs = aws.sqs();
        String policy = """
                {"Version":"2012-10-17","Statement":[{"Sid":"topic-to-queue","Effect":"Allow",\
                "Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"%s",\
                "Condition":{"ArnEquals":{"aws:SourceArn":"%s"}}}]}""".formatted(queueArn, topicArn);
        sqs.setQueueAttributes(r -> r.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY, policy)));
        SnsClient sns = aws.sns();
        for (Subscription s : sns.listSubscriptionsByTopicPaginator(r -> r.topicArn(topicArn)).subscriptions()) {
            if ("sqs".equals(s.protocol()) && queueArn.equals(s.endpoint())) {
                actions.add("exists  subscription " + queueArn);
                return s.subscriptionArn();
            }
        }
        String arn = sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn)
                .returnSubscriptionArn(true)).subscriptionArn();
        actions.add("created subscription " + queueArn + " -> " + topicArn);
        return arn;
    }
}
