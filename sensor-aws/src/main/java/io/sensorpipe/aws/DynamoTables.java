package io.sensorpipe.aws;

import io.sensorpipe.contract.TableSpec;
import io.sensorpipe.contract.TableSpec.Key;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * DynamoDB tables from the shared {@link TableSpec}s ({@code io.sensorpipe.contract.Tables}): the one CreateTable of
 * every place that creates a table outside CDK (the local resources command, the job's {@code --create-resources},
 * the test kit). On-demand billing, as the CDK stack.
 */
public final class DynamoTables {
    private static final Duration ACTIVE_TIMEOUT = Duration.ofMinutes(2);

    private DynamoTables() {
    }

    /** What {@link #createIfMissing} found or made. */
    public record Ensured(TableDescription table, boolean created, boolean ttlEnabledNow) {
        /** The NEW_IMAGE stream's ARN, or null when the table has no stream. */
        public String streamArn() {
            return table.latestStreamArn();
        }
    }

    /** The CreateTable request of {@code spec}, named {@code tableName} (TTL is a separate call: see createIfMissing). */
    public static CreateTableRequest createTableRequest(TableSpec spec, String tableName) {
        CreateTableRequest.Builder b = CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(spec.keyAttributes().stream().map(DynamoTables::definition).toList())
                .keySchema(keySchema(spec.partitionKey(), spec.sortKey()));
        if (!spec.indexes().isEmpty()) {
            b.globalSecondaryIndexes(spec.indexes().stream().map(i -> GlobalSecondaryIndex.builder()
                    .indexName(i.name())
                    .keySchema(keySchema(i.partitionKey(), i.sortKey()))
                    .projection(p -> p.projectionType(ProjectionType.ALL))
                    .build()).toList());
        }
        if (spec.streamNewImage()) {
            b.streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE));
        }
        return b.build();
    }

    /**
     * Creates the table unless it exists, waits until it is ACTIVE and enables TTL on the spec's attribute when it
     * is not enabled yet. Safe to call again and from several processes at once. An existing table is not checked
     * against the spec beyond TTL.
     */
    public static Ensured createIfMissing(DynamoDbClient dynamo, TableSpec spec, String tableName) {
        boolean created = false;
        try {
            dynamo.describeTable(r -> r.tableName(tableName));
        } catch (ResourceNotFoundException notFound) {
            try {
                dynamo.createTable(createTableRequest(spec, tableName));
                created = true;
            } catch (ResourceInUseException raced) {
                // another process created it meanwhile
            }
        }
        TableDescription table = awaitActive(dynamo, tableName);
        boolean ttlNow = spec.ttlAttribute() != null && enableTtl(dynamo, tableName, spec.ttlAttribute());
        return new Ensured(table, created, ttlNow);
    }

    /**
     * Checks that the table exists (one DescribeTable), so a command fails up front naming it.
     *
     * @throws AwsErrors.MissingResource when it does not
     */
    public static TableDescription requireExists(DynamoDbClient dynamo, String tableName) {
        try {
            return dynamo.describeTable(r -> r.tableName(tableName)).table();
        } catch (ResourceNotFoundException e) {
            throw new AwsErrors.MissingResource("table", tableName, e);
        }
    }

    /**
     * Why {@code table} cannot hold {@code spec}'s items, or null: another key (names, hash/range or S/N). Every write
     * to such a table fails ("Missing the key"), so a command says it before it writes.
     */
    public static String keyMismatch(TableDescription table, TableSpec spec) {
        String want = keyText(keySchema(spec.partitionKey(), spec.sortKey()),
                spec.keyAttributes().stream().map(DynamoTables::definition).toList());
        String have = keyText(table.keySchema(), table.attributeDefinitions());
        return want.equals(have) ? null : "table " + table.tableName() + " has the key (" + have + "), not the ("
                + want + ") its items need";
    }

    private static String keyText(List<KeySchemaElement> keys, List<AttributeDefinition> definitions) {
        return keys.stream().map(k -> k.attributeName() + " " + definitions.stream()
                .filter(d -> d.attributeName().equals(k.attributeName())).map(d -> d.attributeTypeAsString())
                .findFirst().orElse("?") + " " + k.keyTypeAsString()).collect(java.util.stream.Collectors.joining(", "));
    }

    /** Enables TTL on {@code attribute} unless it is enabled (or being enabled); true when this call enabled it. */
    public static boolean enableTtl(DynamoDbClient dynamo, String tableName, String attribute) {
        TimeToLiveDescription ttl = dynamo.describeTimeToLive(r -> r.tableName(tableName)).timeToLiveDescription();
        if (ttl != null && (ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLED
                || ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLING)) {
            return false;
        }
        dynamo.updateTimeToLive(r -> r.tableName(tableName)
                .timeToLiveSpecification(s -> s.attributeName(attribute).enabled(true)));
        return true;
    }

    /** Polls every 100 ms up to 2 s apart (the SDK waiter sleeps 20 s; a local table is ACTIVE at once). */
    private static TableDescription awaitActive(DynamoDbClient dynamo, String tableName) {
        long deadline = System.nanoTime() + ACTIVE_TIMEOUT.toNanos();
        long sleep = 100;
        while (true) {
            TableDescription t = dynamo.describeTable(r -> r.tableName(tableName)).table();
            if (t.tableStatus() == TableStatus.ACTIVE) {
                return t;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("table " + tableName + " not ACTIVE after " + ACTIVE_TIMEOUT
                        + " (status " + t.tableStatusAsString() + ")");
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for table " + tableName, e);
            }
            sleep = Math.min(2_000, sleep * 2);
        }
    }

    private static List<KeySchemaElement> keySchema(Key partition, Key sort) {
        return sort == null ? List.of(element(partition, KeyType.HASH))
                : List.of(element(partition, KeyType.HASH), element(sort, KeyType.RANGE));
    }

    private static KeySchemaElement element(Key key, KeyType type) {
        return KeySchemaElement.builder().attributeName(key.name()).keyType(type).build();
    }

    private static AttributeDefinition definition(Key key) {
        return AttributeDefinition.builder().attributeName(key.name()).attributeType(
                key.type() == TableSpec.KeyType.STRING ? ScalarAttributeType.S : ScalarAttributeType.N).build();
    }
}
