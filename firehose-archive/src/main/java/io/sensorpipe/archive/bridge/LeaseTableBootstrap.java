package io.sensorpipe.archive.bridge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;

/**
 * Creates the KCL lease table with its {@code LeaseOwnerToLeaseKeyIndex} GSI up front. KCL 3 otherwise adds that
 * index with {@code UpdateTable} at start, which local emulators may reject (KCL then retries forever). On AWS the
 * pre-created table is identical to the one KCL would make, so this is harmless there. Schema from KCL's own
 * {@link DynamoDBLeaseSerializer}.
 */
final class LeaseTableBootstrap {
    static final String LEASE_OWNER_INDEX = "LeaseOwnerToLeaseKeyIndex";
    private static final Logger log = LoggerFactory.getLogger(LeaseTableBootstrap.class);

    private LeaseTableBootstrap() {
    }

    static void ensureLeaseTable(DynamoDbAsyncClient dynamo, String tableName, Duration timeout) {
        if (!exists(dynamo, tableName)) {
            DynamoDBLeaseSerializer serializer = new DynamoDBLeaseSerializer();
            Map<String, AttributeDefinition> attributes = new LinkedHashMap<>();
            serializer.getAttributeDefinitions().forEach(a -> attributes.put(a.attributeName(), a));
            serializer.getWorkerIdToLeaseKeyIndexAttributeDefinitions().forEach(a -> attributes.put(a.attributeName(), a));
            CreateTableRequest request = CreateTableRequest.builder()
                    .tableName(tableName)
                    .keySchema(new ArrayList<>(serializer.getKeySchema()))
                    .attributeDefinitions(new ArrayList<>(attributes.values()))
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                            .indexName(LEASE_OWNER_INDEX)
                            .keySchema(new ArrayList<>(serializer.getWorkerIdToLeaseKeyIndexKeySchema()))
                            .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
                            .build())
                    .build();
            try {
                dynamo.createTable(request).join();
                log.info("created lease table {} with index {}", tableName, LEASE_OWNER_INDEX);
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof ResourceInUseException)) {
                    throw e;
                }
                // another bridge instance created it concurrently
            }
        }
        waitActive(dynamo, tableName, timeout);
    }

    private static boolean exists(DynamoDbAsyncClient dynamo, String tableName) {
        try {
            dynamo.describeTable(b -> b.tableName(tableName)).join();
            return true;
        } catch (CompletionException e) {
            if (e.getCause() instanceof ResourceNotFoundException) {
                return false;
            }
            throw e;
        }
    }

    private static void waitActive(DynamoDbAsyncClient dynamo, String tableName, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var table = dynamo.describeTable(b -> b.tableName(tableName)).join().table();
            boolean indexActive = table.globalSecondaryIndexes().stream()
                    .anyMatch(i -> LEASE_OWNER_INDEX.equals(i.indexName()) && "ACTIVE".equals(i.indexStatusAsString()));
            if (table.tableStatus() == TableStatus.ACTIVE && indexActive) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("lease table " + tableName + " not ACTIVE with index " + LEASE_OWNER_INDEX
                        + " after " + timeout + " (status " + table.tableStatus() + ")");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + tableName, e);
            }
        }
    }

    static List<String> tablesOf(String applicationName) {
        // KCL 3 tables of one application: leases, coordinator state, worker metrics.
        return List.of(applicationName, applicationName + "-CoordinatorState", applicationName + "-WorkerMetricStats");
    }
}
