package io.sensorpipe.sink;

import io.sensorpipe.schema.WindowResult;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Window results to the DynamoDB results table with {@link DynamoDbWindowWriter} (idempotent BatchWriteItem). */
public final class DynamoDbResultSink implements WindowResultSink {
    private final ClientFactory<DynamoDbClient> dynamo;
    private final String table;
    private final long ttlSeconds;
    private transient DynamoDbWindowWriter writer;

    public DynamoDbResultSink(ClientFactory<DynamoDbClient> dynamo, String table, long ttlSeconds) {
        this.dynamo = dynamo;
        this.table = table;
        this.ttlSeconds = ttlSeconds;
    }

    @Override
    public void write(List<WindowResult> results) {
        if (writer == null) {
            writer = new DynamoDbWindowWriter(dynamo.get(), table);
        }
        List<WindowResultItem> items = new ArrayList<>(results.size());
        for (WindowResult r : results) {
            items.add(WindowResultItem.from(r, ttlSeconds));
        }
        writer.writeAll(items);
    }
}
