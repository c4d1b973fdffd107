package io.sensorpipe.cdk.storage;

import static io.sensorpipe.schema.ResultItem.ANOMALIES_GSI;
import static io.sensorpipe.schema.ResultItem.ANOMALY_DAY;
import static io.sensorpipe.schema.ResultItem.SENSOR_ID;
import static io.sensorpipe.schema.ResultItem.TTL;
import static io.sensorpipe.schema.ResultItem.WINDOW_START;

import io.sensorpipe.cdk.config.PipelineConfig;
import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.Billing;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexPropsV2;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.TableEncryptionV2;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.amazon.awscdk.services.kms.IKey;
import software.constructs.Construct;

/**
 * The results table (keys and sparse GSI exactly as {@code io.sensorpipe.schema.ResultItem} defines them) and the
 * alert Lambda's cooldown-state table. {@link TableV2} synthesizes {@code AWS::DynamoDB::GlobalTable} (one replica).
 */
public final class ResultsTables extends Construct {
    private final TableV2 results;
    private final TableV2 alertState;

    public ResultsTables(Construct scope, String id, PipelineConfig config, IKey dataKey) {
        super(scope, id);
        RemovalPolicy removal = config.retainData() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
        PointInTimeRecoverySpecification pitr = PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build();

        results = TableV2.Builder.create(this, "Results")
                .tableName(config.name("results"))
                .partitionKey(Attribute.builder().name(SENSOR_ID).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(WINDOW_START).type(AttributeType.NUMBER).build())
                .billing(Billing.onDemand())
                .encryption(TableEncryptionV2.customerManagedKey(dataKey))
                .pointInTimeRecoverySpecification(pitr)
                .timeToLiveAttribute(TTL)
                .dynamoStream(StreamViewType.NEW_IMAGE)
                .globalSecondaryIndexes(List.of(GlobalSecondaryIndexPropsV2.builder()
                        .indexName(ANOMALIES_GSI)
                        .partitionKey(Attribute.builder().name(ANOMALY_DAY).type(AttributeType.STRING).build())
                        .sortKey(Attribute.builder().name(WINDOW_START).type(AttributeType.NUMBER).build())
                        .projectionType(ProjectionType.ALL)
                        .build()))
                .deletionProtection(config.retainData())
                .removalPolicy(removal)
                .build();

        alertState = TableV2.Builder.create(this, "AlertState")
                .tableName(config.name("alert-state"))
                .partitionKey(Attribute.builder().name(SENSOR_ID).type(AttributeType.STRING).build())
                .billing(Billing.onDemand())
                .encryption(TableEncryptionV2.customerManagedKey(dataKey))
                .pointInTimeRecoverySpecification(pitr)
                .timeToLiveAttribute(TTL)
                .removalPolicy(removal)
                .build();
    }

    public TableV2 results() {
        return results;
    }

    public TableV2 alertState() {
        return alertState;
    }
}
