package io.sensorpipe.sink;

import io.sensorpipe.schema.ResultItem;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.model.CreateTableEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.EnhancedGlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;

/**
 * Creates the results table for local runs and tests (on AWS the CDK stack owns it): keys, the sparse GSI and TTL
 * as {@link ResultItem} describes them.
 */
public final class ResultsTable {
    private ResultsTable() {
    }

    public static void createIfMissing(DynamoDbClient dynamo, String tableName) {
        var table = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo).build()
                .table(tableName, DynamoDbWindowWriter.SCHEMA);
        try {
            table.createTable(CreateTableEnhancedRequest.builder()
                    .globalSecondaryIndices(EnhancedGlobalSecondaryIndex.builder()
                            .indexName(ResultItem.ANOMALIES_GSI)
                            .projection(p -> p.projectionType(ProjectionType.ALL))
                            .build())
                    .build());
        } catch (ResourceInUseException exists) {
            return;
        }
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(tableName));
        try {
            dynamo.updateTimeToLive(b -> b.tableName(tableName).timeToLiveSpecification(
                    TimeToLiveSpecification.builder().attributeName(ResultItem.TTL).enabled(true).build()));
        } catch (RuntimeException ignored) {
            // TTL is housekeeping only; a local emulator without it still serves the job
        }
    }

}
