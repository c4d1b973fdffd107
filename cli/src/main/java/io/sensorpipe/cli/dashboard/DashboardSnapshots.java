package io.sensorpipe.cli.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorpipe.cli.query.Alert;
import io.sensorpipe.cli.query.AlertReader;
import io.sensorpipe.cli.query.WindowFormat;
import io.sensorpipe.aws.ResultItemValues;
import io.sensorpipe.schema.ReadingCodec;
import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Builds the dashboard's JSON snapshot: the newest {@code points} windows of each sensor (one Query per sensor,
 * newest first, so the cost does not grow with history and replayed old data shows too) and the alert feed.
 * Sensors are re-discovered with a key-only Scan every {@code discoverEveryMillis} only, since a Scan reads the
 * whole table. Alerts are read from the queue without deleting them, every few seconds, and the newest
 * {@code MAX_ALERTS} kept across refreshes.
 */
public final class DashboardSnapshots {
    private static final int MAX_ALERTS = 200;
    /** Alerts are re-read at most this often: a read walks the whole queue. */
    private static final long ALERT_REFRESH_MILLIS = 3000;
    private long alertsReadAt;

    private final DynamoDbClient dynamo;
    private final AlertReader alerts;
    private final DashboardConfig config;
    private List<String> sensors = List.of();
    private long sensorsFoundAt;
    private String queueUrl;
    private final Map<String, Alert> alertFeed = new LinkedHashMap<>();

    public DashboardSnapshots(DynamoDbClient dynamo, AlertReader alerts, DashboardConfig config) {
        this.dynamo = dynamo;
        this.alerts = alerts;
        this.config = config;
    }

    /** One refresh; errors of one source are reported in the snapshot instead of failing it. */
    public synchronized byte[] refresh(long now) {
        ObjectNode root = ReadingCodec.MAPPER.createObjectNode();
        root.put("generatedAt", now);
        root.put("table", config.table());
        root.put("queue", config.queue());
        ArrayNode errors = root.putArray("errors");
        ArrayNode sensorsJson = root.putArray("sensors");
        try {
            if (now - sensorsFoundAt >= config.discoverEveryMillis() || sensors.isEmpty()) {
                sensors = discoverSensors();
                sensorsFoundAt = now;
            }
            for (String sensorId : sensors) {
                List<WindowResult> windows = newestWindows(sensorId);
                if (windows.isEmpty()) {
                    continue;
                }
                WindowResult last = windows.get(windows.size() - 1);
                ObjectNode s = sensorsJson.addObject();
                s.put("sensorId", sensorId);
                s.put("type", last.type());
                s.put("site", last.site());
                s.put("unit", last.unit());
                ArrayNode ws = s.putArray("windows");
                for (WindowResult w : windows) {
                    ObjectNode o = ws.addObject();
                    o.put("start", w.windowStart());
                    o.put("end", w.windowEnd());
                    o.put("count", w.count());
                    o.put("mean", w.mean());
                    o.put("min", w.min());
                    o.put("max", w.max());
                    o.put("score", w.anomalyScore());
                    o.put("anomaly", w.anomaly());
                    if (w.anomaly()) { // why: the detector part, and for a sensor fault which one
                        o.put("detector", WindowFormat.detectorCell(w));
                    }
                }
            }
        } catch (RuntimeException e) {
            errors.add("results table " + config.table() + ": " + e.getMessage());
        }
        try {
            if (queueUrl == null) {
                queueUrl = alerts.queueUrl(config.queue());
            }
            if (now - alertsReadAt >= ALERT_REFRESH_MILLIS) {
                alertsReadAt = now;
                for (Alert a : alerts.peek(queueUrl, 1000, 1)) {
                    alertFeed.putIfAbsent(a.messageId(), a);
                }
                // keep the newest MAX_ALERTS
                List<Alert> byTime = new ArrayList<>(alertFeed.values());
                byTime.sort(Comparator.comparingLong(Alert::sentAt));
                for (int i = 0; i < byTime.size() - MAX_ALERTS; i++) {
                    alertFeed.remove(byTime.get(i).messageId());
                }
            }
        } catch (RuntimeException e) {
            errors.add("alert queue " + config.queue() + ": " + e.getMessage());
        }
        List<Alert> feed = new ArrayList<>(alertFeed.values());
        feed.sort(Comparator.comparingLong(Alert::sentAt).reversed());
        root.set("alerts", ReadingCodec.MAPPER.valueToTree(feed));
        return ReadingCodec.toJsonBytes(root);
    }

    private List<String> discoverSensors() {
        java.util.TreeSet<String> ids = new java.util.TreeSet<>();
        dynamo.scanPaginator(r -> r.tableName(config.table()).projectionExpression("#pk")
                        .expressionAttributeNames(Map.of("#pk", ResultItem.SENSOR_ID)))
                .items().forEach(i -> ids.add(i.get(ResultItem.SENSOR_ID).s()));
        return new ArrayList<>(ids);
    }

    private List<WindowResult> newestWindows(String sensorId) {
        List<WindowResult> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamo.query(r -> r.tableName(config.table())
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", ResultItem.SENSOR_ID))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(sensorId)))
                .scanIndexForward(false)
                .limit(config.points())).items()) {
            out.add(ResultItemValues.fromItem(item));
        }
        Collections.reverse(out);
        return out;
    }
}
