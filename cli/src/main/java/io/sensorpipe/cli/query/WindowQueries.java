package io.sensorpipe.cli.query;

import io.sensorpipe.aws.ResultItemValues;
import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/** Reads the results table through its keys and the anomalies GSI (see {@link ResultItem}). */
public final class WindowQueries {
    private final DynamoDbClient dynamo;
    private final String table;

    public WindowQueries(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** One sensor's windows with {@code windowStart} in the range, oldest first: one paginated Query. */
    public List<WindowResult> windows(String sensorId, TimeRange range) {
        QueryRequest request = QueryRequest.builder()
                .tableName(table)
                .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .expressionAttributeNames(Map.of("#pk", ResultItem.SENSOR_ID, "#sk", ResultItem.WINDOW_START))
                .expressionAttributeValues(Map.of(
                        ":pk", AttributeValue.fromS(sensorId),
                        ":from", num(range.fromMillis()),
                        ":to", num(range.toMillis() - 1)))
                .build();
        List<WindowResult> out = new ArrayList<>();
        dynamo.queryPaginator(request).items().forEach(i -> out.add(ResultItemValues.fromItem(i)));
        return out;
    }

    /**
     * Anomalous windows of all sensors in the range: one Query on the sparse GSI per UTC day (its partition
     * key), so the cost follows the number of anomalies, not the size of the table. Ordered by window start.
     */
    public List<WindowResult> anomalies(TimeRange range) {
        List<WindowResult> out = new ArrayList<>();
        for (TimeRange.DaySlice day : range.utcDays()) {
            QueryRequest request = QueryRequest.builder()
                    .tableName(table)
                    .indexName(ResultItem.ANOMALIES_GSI)
                    .keyConditionExpression("#pk = :day AND #sk BETWEEN :from AND :to")
                    .expressionAttributeNames(Map.of("#pk", ResultItem.ANOMALY_DAY, "#sk", ResultItem.WINDOW_START))
                    .expressionAttributeValues(Map.of(
                            ":day", AttributeValue.fromS(day.day()),
                            ":from", num(day.fromMillis()),
                            ":to", num(day.toMillis() - 1)))
                    .build();
            dynamo.queryPaginator(request).items().forEach(i -> out.add(ResultItemValues.fromItem(i)));
        }
        out.sort(Comparator.comparingLong(WindowResult::windowStart).thenComparing(WindowResult::sensorId));
        return out;
    }

    /**
     * The newest window of each given sensor: one Query per sensor, newest first, Limit 1 (one read unit
     * each, whatever the history length).
     */
    public List<WindowResult> latest(List<String> sensorIds) {
        List<WindowResult> out = new ArrayList<>();
        for (String sensorId : sensorIds) {
            var items = dynamo.query(r -> r.tableName(table)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", ResultItem.SENSOR_ID))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(sensorId)))
                    .scanIndexForward(false)
                    .limit(1)).items();
            if (!items.isEmpty()) {
                out.add(ResultItemValues.fromItem(items.get(0)));
            }
        }
        out.sort(Comparator.comparing(WindowResult::sensorId));
        return out;
    }

    /**
     * The newest window of every sensor in the table: DynamoDB cannot list distinct partition keys, so finding
     * the sensors needs a Scan anyway; a single Scan that keeps the newest item per sensor is then cheaper than
     * a key-only Scan followed by a Query per sensor. Use {@link #latest(List)} when the sensors are known.
     */
    public List<WindowResult> latestOfAllSensors() {
        Map<String, WindowResult> newest = new TreeMap<>();
        dynamo.scanPaginator(ScanRequest.builder().tableName(table).build()).items().forEach(i -> {
            WindowResult w = ResultItemValues.fromItem(i);
            newest.merge(w.sensorId(), w, (a, b) -> a.windowStart() >= b.windowStart() ? a : b);
        });
        return new ArrayList<>(newest.values());
    }

    /** Distinct sensor ids (a key-only Scan; see {@link #latestOfAllSensors()} for why a Scan). */
    public List<String> sensors() {
        java.util.TreeSet<String> ids = new java.util.TreeSet<>();
        dynamo.scanPaginator(ScanRequest.builder().tableName(table)
                        .projectionExpression("#pk")
                        .expressionAttributeNames(Map.of("#pk", ResultItem.SENSOR_ID))
                        .build())
                .items().forEach(i -> ids.add(i.get(ResultItem.SENSOR_ID).s()));
        return new ArrayList<>(ids);
    }

    /** Totals over windows written at or after {@code processedSince} (one pipeline run's windows). */
    public record WindowTotals(long windows, long readings, long anomalies, List<String> sensors) {
    }

    public WindowTotals totalsProcessedSince(long processedSince) {
        long[] totals = new long[3];
        java.util.TreeSet<String> ids = new java.util.TreeSet<>();
        dynamo.scanPaginator(ScanRequest.builder().tableName(table)
                        .filterExpression("#p >= :since")
                        .projectionExpression("#pk, #c, #a")
                        .expressionAttributeNames(Map.of("#p", ResultItem.PROCESSED_AT, "#pk", ResultItem.SENSOR_ID,
                                "#c", ResultItem.COUNT, "#a", ResultItem.ANOMALY))
                        .expressionAttributeValues(Map.of(":since", num(processedSince)))
                        .build())
                .items().forEach(i -> {
                    totals[0]++;
                    AttributeValue c = i.get(ResultItem.COUNT);
                    totals[1] += c == null ? 0 : Long.parseLong(c.n());
                    AttributeValue a = i.get(ResultItem.ANOMALY);
                    if (a != null && Boolean.TRUE.equals(a.bool())) {
                        totals[2]++;
                    }
                    ids.add(i.get(ResultItem.SENSOR_ID).s());
                });
        return new WindowTotals(totals[0], totals[1], totals[2], new ArrayList<>(ids));
    }

    private static AttributeValue num(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}
