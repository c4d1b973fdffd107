package io.sensorpipe.cdk.storage;

import io.sensorpipe.cdk.config.StackConfig;
import io.sensorpipe.contract.TableSpec;
import io.sensorpipe.contract.Tables;
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
import software.amazon.awscdk.services.dynamodb.TablePropsV2;
import software.amazon.awscdk.services.kms.IKey;
import software.constructs.Construct;

/**
 * The results table and the alert Lambda's cooldown-state table, built from sensor-core's {@link Tables} specs (the
 * same specs the job, the CLI and the test kit create tables from). {@link TableV2} synthesizes
 * {@code AWS::DynamoDB::GlobalTable} (one replica).
 */
public final class ResultsTables extends Construct {
    private final TableV2 results;
    private final TableV2 alertState;

    public ResultsTables(Construct scope, String id, StackConfig config, IKey dataKey) {
        super(scope, id);
        results = table("Results", Tables.RESULTS, config.dataName("results"), config, dataKey, config.retainData());
        // Cooldown state is cheap to lose (at worst one repeated alert), so it never blocks a delete.
        alertState = table("AlertState", Tables.ALERT_STATE, config.dataName("alert-state"), config, dataKey, false);
    }

    /** A table exactly as {@code spec} describes it, on demand, PITR, encrypted with the pipeline key. */
    private TableV2 table(String id, TableSpec spec, String name, StackConfig config, IKey dataKey, boolean deletionProtection) {
        TablePropsV2.Builder props = TablePropsV2.builder()
                .tableName(name)
                .partitionKey(attribute(spec.partitionKey()))
                .billing(Billing.onDemand())
                .encryption(TableEncryptionV2.customerManagedKey(dataKey))
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .removalPolicy(config.retainData() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
        if (spec.sortKey() != null) {
            props.sortKey(attribute(spec.sortKey()));
        }
        if (spec.ttlAttribute() != null) {
            props.timeToLiveAttribute(spec.ttlAttribute());
        }
        if (spec.streamNewImage()) {
            props.dynamoStream(StreamViewType.NEW_IMAGE);
        }
        if (!spec.indexes().isEmpty()) {
            props.globalSecondaryIndexes(spec.indexes().stream().map(index -> {
                GlobalSecondaryIndexPropsV2.Builder gsi = GlobalSecondaryIndexPropsV2.builder()
                        .indexName(index.name())
                        .partitionKey(attribute(index.partitionKey()))
                        .projectionType(ProjectionType.ALL);
                if (index.sortKey() != null) {
                    gsi.sortKey(attribute(index.sortKey()));
                }
                return gsi.build();
            }).toList());
        }
        if (deletionProtection) {
            props.deletionProtection(true);
        }
        return new TableV2(this, id, props.build());
    }

    private static Attribute attribute(TableSpec.Key key) {
        return Attribute.builder().name(key.name())
                .type(key.type() == TableSpec.KeyType.STRING ? AttributeType.STRING : AttributeType.NUMBER).build();
    }

    public TableV2 results() {
        return results;
    }

    public TableV2 alertState() {
        return alertState;
    }
}
