package io.sensorpipe.cli;

import io.sensorpipe.cli.resources.ResourceNames;
import io.sensorpipe.testkit.TestCloud;

/** A full set of resource names for one IT, unique per run; the fixture deletes them on close. */
public final class ItNames {
    private ItNames() {
    }

    /** Names for {@link io.sensorpipe.cli.resources.LocalResources#createAll}; deleted (best effort) on {@code cloud.close()}. */
    public static ResourceNames unique(TestCloud cloud) {
        ResourceNames n = new ResourceNames(cloud.uniqueName("it-readings"), 1, cloud.uniqueName("it-results"),
                cloud.uniqueName("it-alert-state"), cloud.uniqueName("it-archive"), cloud.uniqueName("it-checkpoints"),
                cloud.uniqueName("it-alerts"), cloud.uniqueName("it-alerts-tail")).validated();
        cloud.deleteOnClose(() -> cloud.sqs().deleteQueue(r -> r.queueUrl(
                cloud.sqs().getQueueUrl(q -> q.queueName(n.alertQueue())).queueUrl())));
        cloud.deleteOnClose(() -> {
            String topicArn = cloud.sns().createTopic(r -> r.name(n.alertTopic())).topicArn();
            cloud.sns().listSubscriptionsByTopicPaginator(r -> r.topicArn(topicArn)).subscriptions()
                    .forEach(s -> cloud.sns().unsubscribe(r -> r.subscriptionArn(s.subscriptionArn())));
            cloud.sns().deleteTopic(r -> r.topicArn(topicArn));
        });
        for (String bucket : new String[] {n.archiveBucket(), n.checkpointBucket()}) {
            cloud.deleteOnClose(() -> {
                cloud.s3().listObjectsV2Paginator(r -> r.bucket(bucket)).contents()
                        .forEach(o -> cloud.s3().deleteObject(r -> r.bucket(bucket).key(o.key())));
                cloud.s3().deleteBucket(r -> r.bucket(bucket));
            });
        }
        cloud.deleteOnClose(() -> cloud.dynamo().deleteTable(r -> r.tableName(n.alertStateTable())));
        cloud.deleteOnClose(() -> cloud.dynamo().deleteTable(r -> r.tableName(n.resultsTable())));
        cloud.deleteOnClose(() -> cloud.kinesis().deleteStream(r -> r.streamName(n.stream()).enforceConsumerDeletion(true)));
        return n;
    }
}
