package io.sensorpipe.sink;

import io.sensorpipe.schema.WindowResult;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Window results to the DynamoDB results table with {@link DynamoDbWindowWriter} (idempotent BatchWriteItem). */
public final class DynamoDbResultSink implements WindowResultSink {
    private final ClientFactory<DynamoDbClient> dynamo;
    private final String table;
    private final Duration ttl;
    private transient DynamoDbWindowWriter writer;

    public DynamoDbResultSink(ClientFactory<DynamoDbClient> dynamo, String table, Duration ttl) {
        this.dynamo = dynamo;
        this.table = table;
        this.ttl = ttl;
    }

    @Override
    public void write(List<WindowResult> results) {
        if (writer == null) {
            writer = new DynamoDbWindowWriter(dynamo.get(), table, ttl);
        }
        writer.writeAll(results);
    }
}
