package io.sensorpipe.alerts.decode;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;

import java.util.Map;

/**
 * Turns a results-table item as it appears in the stream's {@code NewImage} (attribute names from
 * {@link ResultItem}) back into a {@link WindowResult}. Attributes an alert needs are required; the rest default
 * to 0/null when absent, but a present attribute of the wrong type or unparsable is always an error.
 */
public final class WindowImageDecoder {

    private WindowImageDecoder() {
    }

    public static WindowResult decode(Map<String, AttributeValue> image) throws MalformedImageException {
        if (image == null || image.isEmpty()) {
            throw new MalformedImageException("NewImage", "missing (the stream view type must be NEW_IMAGE or NEW_AND_OLD_IMAGES)");
        }
        String sensorId = requiredString(image, ResultItem.SENSOR_ID);
        long windowStart = requiredLong(image, ResultItem.WINDOW_START);
        long windowEnd = requiredLong(image, ResultItem.WINDOW_END);
        if (windowEnd <= windowStart) {
            throw new MalformedImageException(ResultItem.WINDOW_END, "must be after windowStart (" + windowStart + "), got " + windowEnd);
        }
        double score = requiredDouble(image, ResultItem.ANOMALY_SCORE);
        if (score < 0 || score > 1) {
            throw new MalformedImageException(ResultItem.ANOMALY_SCORE, "must be in [0,1], got " + score);
        }
        return new WindowResult(
                sensorId,
                windowStart,
                windowEnd,
                requiredLong(image, ResultItem.COUNT),
                requiredDouble(image, ResultItem.MIN),
                requiredDouble(image, ResultItem.MAX),
                requiredDouble(image, ResultItem.MEAN),
                optionalDouble(image, ResultItem.VARIANCE, 0),
                optionalLong(image, ResultItem.FIRST_TS, windowStart),
                optionalLong(image, ResultItem.LAST_TS, windowStart),
                score,
                optionalDouble(image, ResultItem.ANOMALY_GRADE, 0),
                requiredBool(image, ResultItem.ANOMALY),
                optionalDoubleOrNull(image, ResultItem.EXPECTED),
                optionalString(image, ResultItem.MODEL_VERSION),
                optionalLong(image, ResultItem.PROCESSED_AT, 0),
                optionalString(image, ResultItem.TYPE),
                optionalString(image, ResultItem.SITE),
                optionalString(image, ResultItem.UNIT));
    }

    /** Whether the image says anomalous; {@code null} when the attribute is absent or not a BOOL. */
    public static Boolean anomalyFlag(Map<String, AttributeValue> image) {
        AttributeValue value = image == null ? null : image.get(ResultItem.ANOMALY);
        return value == null ? null : value.getBOOL();
    }

    private static String requiredString(Map<String, AttributeValue> image, String name) throws MalformedImageException {
        String value = optionalString(image, name);
        if (value == null || value.isBlank()) {
            throw new MalformedImageException(name, "required string (S) is missing or empty");
        }
        return value;
    }

    private static String optionalString(Map<String, AttributeValue> image, String name) throws MalformedImageException {
        AttributeValue value = present(image, name);
        if (value == null) {
            return null;
        }
        if (value.getS() == null) {
            throw new MalformedImageException(name, "must be a string (S), got " + value);
        }
        return value.getS();
    }

    private static boolean requiredBool(Map<String, AttributeValue> image, String name) throws MalformedImageException {
        AttributeValue value = present(image, name);
        if (value == null || value.getBOOL() == null) {
            throw new MalformedImageException(name, "required boolean (BOOL) is missing or of another type");
        }
        return value.getBOOL();
    }

    private static long requiredLong(Map<String, AttributeValue> image, String name) throws MalformedImageException {
        String raw = number(image, name);
        if (raw == null) {
            throw new MalformedImageException(name, "required number (N) is missing");
        }
        return parseLong(name, raw);
    }

    private static long optionalLong(Map<String, AttributeValue> image, String name, long fallback) throws MalformedImageException {
        String raw = number(image, name);
        return raw == null ? fallback : parseLong(name, raw);
    }

    private static double requiredDouble(Map<String, AttributeValue> image, String name) throws MalformedImageException {
        String raw = number(image, name);
        if (raw == null) {
            throw new MalformedImageException(name, "required number (N) is missing");
        }
        return parseDouble(name, raw);
    }

    private static double optionalDouble(Map<String, AttributeValue> image, String name, double fallback) throws MalformedImageException {
        String raw = number(image, name);
        return raw == null ? fallback : parseDouble(name, raw);
    }

    private static Double optionalDoubleOrNull(Map<String, AttributeValue> image, String name) throws MalformedImageException {
        String raw = number(image, name);
        return raw == null ? null : parseDouble(name, raw);
    }

    /** The N value, or null when absent or explicitly NULL; any other type is an error. */
    private static String number(Map<String, AttributeValue> image, String name) throws MalformedImageException {
        AttributeValue value = present(image, name);
        if (value == null) {
            return null;
        }
        if (value.getN() == null) {
            throw new MalformedImageException(name, "must be a number (N), got " + value);
        }
        return value.getN();
    }

    private static AttributeValue present(Map<String, AttributeValue> image, String name) {
        AttributeValue value = image.get(name);
        return value == null || Boolean.TRUE.equals(value.getNULL()) ? null : value;
    }

    private static long parseLong(String name, String raw) throws MalformedImageException {
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new MalformedImageException(name, "must be a whole number, got '" + raw + "'");
        }
    }

    private static double parseDouble(String name, String raw) throws MalformedImageException {
        try {
            double value = Double.parseDouble(raw.trim());
            if (!Double.isFinite(value)) {
                throw new MalformedImageException(name, "must be finite, got '" + raw + "'");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new MalformedImageException(name, "must be a number, got '" + raw + "'");
        }
    }
}
