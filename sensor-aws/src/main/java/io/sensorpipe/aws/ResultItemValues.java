package io.sensorpipe.aws;

import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The results-table item as DynamoDB {@link AttributeValue}s: {@link ResultItem}'s plain mapping, typed for the SDK.
 * The job's sink, the CLI's queries and demo data, and the tests all read and write items through here.
 */
public final class ResultItemValues {
    private ResultItemValues() {
    }

    /** The item the job writes for {@code window} (see {@link ResultItem#toAttributes}). */
    public static Map<String, AttributeValue> toItem(WindowResult window, Duration ttl) {
        return toAttributeValues(ResultItem.toAttributes(window, ttl));
    }

    /**
     * The window an item holds.
     *
     * @throws ResultItem.MalformedItemException naming the attribute that is missing or of the wrong type
     */
    public static WindowResult fromItem(Map<String, AttributeValue> item) {
        return ResultItem.fromAttributes(toPlain(item));
    }

    /** Plain values (String, Number, Boolean) to AttributeValues: S, N, BOOL. */
    public static Map<String, AttributeValue> toAttributeValues(Map<String, ?> plain) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        plain.forEach((name, value) -> out.put(name, toAttributeValue(name, value)));
        return out;
    }

    /**
     * AttributeValues to plain values: S to String, N to {@link BigDecimal} (exact, and still distinguishable from
     * a string), BOOL to Boolean; other types are kept as the AttributeValue (so a reader reports them as wrong).
     */
    public static Map<String, Object> toPlain(Map<String, AttributeValue> item) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (item == null) {
            return out;
        }
        item.forEach((name, v) -> {
            if (v.s() != null) {
                out.put(name, v.s());
            } else if (v.n() != null) {
                out.put(name, new BigDecimal(v.n()));
            } else if (v.bool() != null) {
                out.put(name, v.bool());
            } else if (!Boolean.TRUE.equals(v.nul())) {
                out.put(name, v);
            }
        });
        return out;
    }

    private static AttributeValue toAttributeValue(String name, Object value) {
        if (value instanceof String s) {
            return AttributeValue.fromS(s);
        }
        if (value instanceof Boolean b) {
            return AttributeValue.fromBool(b);
        }
        if (value instanceof Double || value instanceof Float) {
            return AttributeValue.fromN(Double.toString(((Number) value).doubleValue()));
        }
        if (value instanceof BigDecimal d) {
            return AttributeValue.fromN(d.toPlainString());
        }
        if (value instanceof Number n) {
            return AttributeValue.fromN(n.toString());
        }
        throw new IllegalArgumentException(name + ": no DynamoDB type for " + value);
    }
}
