package io.sensorpipe.cli;

import io.sensorpipe.cli.aws.AwsClients;
import io.sensorpipe.cli.resources.ResourceNames;
import java.util.UUID;

/**
 * IT helpers: the local cloud comes from the standard env (the test command exports
 * {@code eval "$(localstack/local-cloud.sh env)"}); names get a random suffix so parallel tests never collide.
 */
public final class TestCloud {
    private TestCloud() {
    }

    /** Refuses to run an IT against real AWS by accident. */
    public static void requireLocalEndpoint() {
        String endpoint = System.getenv("AWS_ENDPOINT_URL");
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalStateException("AWS_ENDPOINT_URL is not set: start the local cloud and run "
                    + "eval \"$(localstack/local-cloud.sh env)\" before the integration tests");
        }
    }

    public static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    public static ResourceNames uniqueNames() {
        String s = suffix();
        return new ResourceNames("it-readings-" + s, 1, "it-results-" + s, "it-alert-state-" + s, "it-archive-" + s,
                "it-checkpoints-" + s, "it-alerts-" + s, "it-alerts-tail-" + s).validated();
    }

    /** Deletes what {@link io.sensorpipe.cli.resources.LocalResources#createAll} made; best effort. */
    public static void deleteAll(AwsClients aws, ResourceNames n) {
        quietly(() -> aws.kinesis().deleteStream(r -> r.streamName(n.stream()).enforceConsumerDeletion(true)));
        quietly(() -> aws.dynamo().deleteTable(r -> r.tableName(n.resultsTable())));
        quietly(() -> aws.dynamo().deleteTable(r -> r.tableName(n.alertStateTable())));
        for (String bucket : new String[] {n.archiveBucket(), n.checkpointBucket()}) {
            quietly(() -> aws.s3().listObjectsV2Paginator(r -> r.bucket(bucket)).contents()
                    .forEach(o -> aws.s3().deleteObject(r -> r.bucket(bucket).key(o.key()))));
            quietly(() -> aws.s3().deleteBucket(r -> r.bucket(bucket)));
        }
        quietly(() -> {
            String topicArn = aws.sns().createTopic(r -> r.name(n.alertTopic())).topicArn();
            aws.sns().listSubscriptionsByTopicPaginator(r -> r.topicArn(topicArn)).subscriptions()
                    .forEach(s -> aws.sns().unsubscribe(r -> r.subscriptionArn(s.subscriptionArn())));
            aws.sns().deleteTopic(r -> r.topicArn(topicArn));
        });
        quietly(() -> aws.sqs().deleteQueue(r -> r.queueUrl(
                aws.sqs().getQueueUrl(q -> q.queueName(n.alertQueue())).queueUrl())));
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ignored) {
            // cleanup must not hide the test's own result
        }
    }
}
