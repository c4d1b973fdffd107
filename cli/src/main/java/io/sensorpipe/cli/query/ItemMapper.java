package io.sensorpipe.cli.query;

import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Converts results-table items ({@link ResultItem} attribute names) to and from {@link WindowResult}. */
public final class ItemMapper {
    /** Days a test/demo item lives before DynamoDB's TTL removes it. */
    private static final long DEFAULT_TTL_SECONDS = 7L * 24 * 3600;

    private ItemMapper() {
    }

    public static WindowResult toWindow(Map<String, AttributeValue> item) {
        return new WindowResult(
                str(item, ResultItem.SENSOR_ID),
                lng(item, ResultItem.WINDOW_START),
                lng(item, ResultItem.WINDOW_END),
                lng(item, ResultItem.COUNT),
                dbl(item, ResultItem.MIN),
                dbl(item, ResultItem.MAX),
                dbl(item, ResultItem.MEAN),
                dbl(item, ResultItem.VARIANCE),
                lng(item, ResultItem.FIRST_TS),
                lng(item, ResultItem.LAST_TS),
                dbl(item, ResultItem.ANOMALY_SCORE),
                dbl(item, ResultItem.ANOMALY_GRADE),
                item.containsKey(ResultItem.ANOMALY) && Boolean.TRUE.equals(item.get(ResultItem.ANOMALY).bool()),
                item.containsKey(ResultItem.EXPECTED) && item.get(ResultItem.EXPECTED).n() != null
                        ? Double.valueOf(item.get(ResultItem.EXPECTED).n()) : null,
                str(item, ResultItem.MODEL_VERSION),
                lng(item, ResultItem.PROCESSED_AT),
                str(item, ResultItem.TYPE),
                str(item, ResultItem.SITE),
                str(item, ResultItem.UNIT));
    }

    /**
     * The item the streaming job writes for a window (used by tests and demo data): anomalous windows carry
     * {@code anomalyDay} so they land in the sparse GSI.
     */
    public static Map<String, AttributeValue> toItem(WindowResult w) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ResultItem.SENSOR_ID, s(w.sensorId()));
        item.put(ResultItem.WINDOW_START, n(w.windowStart()));
        item.put(ResultItem.WINDOW_END, n(w.windowEnd()));
        item.put(ResultItem.COUNT, n(w.count()));
        item.put(ResultItem.MIN, n(w.min()));
        item.put(ResultItem.MAX, n(w.max()));
        item.put(ResultItem.MEAN, n(w.mean()));
        item.put(ResultItem.VARIANCE, n(w.variance()));
        item.put(ResultItem.FIRST_TS, n(w.firstTs()));
        item.put(ResultItem.LAST_TS, n(w.lastTs()));
        item.put(ResultItem.ANOMALY_SCORE, n(w.anomalyScore()));
        item.put(ResultItem.ANOMALY_GRADE, n(w.anomalyGrade()));
        item.put(ResultItem.ANOMALY, AttributeValue.fromBool(w.anomaly()));
        if (w.expected() != null) {
            item.put(ResultItem.EXPECTED, n(w.expected()));
        }
        if (w.modelVersion() != null) {
            item.put(ResultItem.MODEL_VERSION, s(w.modelVersion()));
        }
        item.put(ResultItem.PROCESSED_AT, n(w.processedAt()));
        item.put(ResultItem.TYPE, s(w.type()));
        item.put(ResultItem.SITE, s(w.site()));
        item.put(ResultItem.UNIT, s(w.unit()));
        item.put(ResultItem.TTL, n(w.windowEnd() / 1000 + DEFAULT_TTL_SECONDS));
        if (w.anomaly()) {
            item.put(ResultItem.ANOMALY_DAY, s(ResultItem.anomalyDay(w.windowStart())));
        }
        return item;
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v == null ? "" : v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static AttributeValue n(double v) {
        return AttributeValue.fromN(Double.toString(v));
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static long lng(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.n() == null) {
            return 0L;
        }
        String n = v.n();
        return n.indexOf('.') >= 0 || n.indexOf('E') >= 0 || n.indexOf('e') >= 0
                ? (long) Double.parseDouble(n) : Long.parseLong(n);
    }

    private static double dbl(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0.0 : Double.parseDouble(v.n());
    }
}
