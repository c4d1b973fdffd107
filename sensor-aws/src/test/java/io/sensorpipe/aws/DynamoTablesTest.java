package io.sensorpipe.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.contract.Tables;
import io.sensorpipe.schema.ResultItem;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/** The request's shape; creating it for real (and TTL) is covered by test-kit's FixtureIT. */
class DynamoTablesTest {
    @Test
    void resultsTableHasKeysSparseIndexAndNewImageStream() {
        CreateTableRequest r = DynamoTables.createTableRequest(Tables.RESULTS, "t1");
        assertThat(r.tableName()).isEqualTo("t1");
        assertThat(r.billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(r.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyType())
                .containsExactly(ResultItem.SENSOR_ID + ":" + KeyType.HASH, ResultItem.WINDOW_START + ":" + KeyType.RANGE);
        assertThat(r.attributeDefinitions()).extracting(a -> a.attributeName() + ":" + a.attributeType())
                .containsExactlyInAnyOrder(ResultItem.SENSOR_ID + ":" + ScalarAttributeType.S,
                        ResultItem.WINDOW_START + ":" + ScalarAttributeType.N,
                        ResultItem.ANOMALY_DAY + ":" + ScalarAttributeType.S);
        assertThat(r.globalSecondaryIndexes()).singleElement().satisfies(gsi -> {
            assertThat(gsi.indexName()).isEqualTo(ResultItem.ANOMALIES_GSI);
            assertThat(gsi.keySchema()).extracting(k -> k.attributeName())
                    .containsExactly(ResultItem.ANOMALY_DAY, ResultItem.WINDOW_START);
            assertThat(gsi.projection().projectionType()).isEqualTo(ProjectionType.ALL);
        });
        assertThat(r.streamSpecification().streamViewType()).isEqualTo(StreamViewType.NEW_IMAGE);
    }

    @Test
    void alertStateTableIsOneHashKeyWithoutStreamOrIndex() {
        CreateTableRequest r = DynamoTables.createTableRequest(Tables.ALERT_STATE, "t2");
        assertThat(r.keySchema()).singleElement().satisfies(k -> {
            assertThat(k.attributeName()).isEqualTo(Tables.AlertState.SENSOR_ID);
            assertThat(k.keyType()).isEqualTo(KeyType.HASH);
        });
        assertThat(r.hasGlobalSecondaryIndexes()).isFalse();
        assertThat(r.streamSpecification()).isNull();
    }
}
