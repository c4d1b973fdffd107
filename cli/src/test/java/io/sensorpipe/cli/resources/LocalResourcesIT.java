package io.sensorpipe.cli.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.cli.ItNames;
import io.sensorpipe.testkit.TestCloud;
import io.sensorpipe.cli.aws.CliAwsClients;
import io.sensorpipe.schema.ResultItem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

class LocalResourcesIT {
    private static CliAwsClients aws;
    private TestCloud cloud;
    private ResourceNames names;

    @BeforeAll
    static void setUp() {
        TestCloud.connect().close(); // refuses a non-local or stopped cloud before the CLI's clients are built
        aws = new CliAwsClients();
    }

    @AfterAll
    static void tearDown() {
        aws.close();
    }

    @BeforeEach
    void freshNames() {
        cloud = TestCloud.connect();
        names = ItNames.unique(cloud);
    }

    @AfterEach
    void deleteResources() {
        cloud.close();
    }

    @Test
    void createsEveryResourceOnceAndASecondRunOnlyFindsThem() {
        LocalResources resources = new LocalResources(aws);
        LocalResources.Created first = resources.createAll(names);
        assertThat(first.actions()).anyMatch(a -> a.startsWith("created stream " + names.stream()))
                .anyMatch(a -> a.equals("created table " + names.resultsTable()))
                .anyMatch(a -> a.equals("created table " + names.alertStateTable()))
                .anyMatch(a -> a.equals("created bucket " + names.archiveBucket()))
                .anyMatch(a -> a.equals("created bucket " + names.checkpointBucket()))
                .anyMatch(a -> a.startsWith("created subscription"));

        LocalResources.Created second = resources.createAll(names);
        assertThat(second.actions()).noneMatch(a -> a.startsWith("created") || a.startsWith("enabled"));
        assertThat(second.topicArn()).isEqualTo(first.topicArn());
        assertThat(second.queueUrl()).isEqualTo(first.queueUrl());
        assertThat(second.subscriptionArn()).isEqualTo(first.subscriptionArn());
        // exactly one subscription: a duplicate would deliver every alert twice
        assertThat(aws.sns().listSubscriptionsByTopic(r -> r.topicArn(first.topicArn())).subscriptions()).hasSize(1);
    }

    @Test
    void resultsTableFollowsTheResultItemContract() {
        new LocalResources(aws).createAll(names);
        TableDescription t = aws.dynamo().describeTable(r -> r.tableName(names.resultsTable())).table();
        assertThat(t.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyType())
                .containsExactly(ResultItem.SENSOR_ID + ":" + KeyType.HASH, ResultItem.WINDOW_START + ":" + KeyType.RANGE);
        assertThat(t.globalSecondaryIndexes()).hasSize(1);
        var gsi = t.globalSecondaryIndexes().get(0);
        assertThat(gsi.indexName()).isEqualTo(ResultItem.ANOMALIES_GSI);
        assertThat(gsi.keySchema()).extracting(k -> k.attributeName())
                .containsExactly(ResultItem.ANOMALY_DAY, ResultItem.WINDOW_START);
        assertThat(gsi.projection().projectionType()).isEqualTo(ProjectionType.ALL);
        assertThat(t.streamSpecification().streamEnabled()).isTrue();
        assertThat(t.streamSpecification().streamViewType()).isEqualTo(StreamViewType.NEW_IMAGE);
        assertThat(aws.dynamo().describeTimeToLive(r -> r.tableName(names.resultsTable()))
                .timeToLiveDescription().attributeName()).isEqualTo(ResultItem.TTL);
        assertThat(aws.kinesis().describeStreamSummary(r -> r.streamName(names.stream()))
                .streamDescriptionSummary().openShardCount()).isEqualTo(names.shards());
    }
}
