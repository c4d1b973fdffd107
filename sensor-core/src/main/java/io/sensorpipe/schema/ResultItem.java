package io.sensorpipe.schema;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DynamoDB results table (contract shared by the streaming job, the alert Lambda, the query CLI and CDK).
 *
 * <pre>
 * table  sensorpipe-results (name by config)
 *   pk   sensorId    S   one sensor's windows are one item collection: "windows of sensor X in [t1,t2)" is a Query
 *   sk   windowStart N   epoch ms
 *   attributes: windowEnd count min max mean variance firstTs lastTs anomalyScore anomalyGrade anomaly(BOOL)
 *               expected? modelVersion processedAt type site unit ttl(epoch seconds, TTL attribute)
 *               expectedLow? expectedHigh? detector? unscoredReason? fault?   (the "why": only non-null ones are stored)
 *   stream NEW_IMAGE (the alert Lambda filters on anomaly = true)
 *
 * GSI anomalies-by-day (sparse: only anomalous windows carry anomalyDay)
 *   pk   anomalyDay  S   "yyyy-MM-dd" (UTC) of windowStart: "anomalies across sensors in [t1,t2)" = one Query per day
 *   sk   windowStart N
 *   projection ALL
 * </pre>
 * Anomalies are rare, so one partition per day stays far below DynamoDB's per-partition limits.
 *
 * <p>The one mapping of a {@link WindowResult} to the item and back ({@link #toAttributes}, {@link #fromAttributes})
 * is AWS-free: attribute values are plain Java ({@link String}, {@link Number}, {@link Boolean}). The module
 * {@code sensor-aws} turns them into DynamoDB {@code AttributeValue}s; the alert Lambda turns its stream images into
 * this form. So the job, the CLI, the Lambda and the tests read and write the same item.
 */
public final class ResultItem {
    public static final String DEFAULT_TABLE = "sensorpipe-results";

    public static final String SENSOR_ID = "sensorId";
    public static final String WINDOW_START = "windowStart";
    public static final String WINDOW_END = "windowEnd";
    public static final String COUNT = "count";
    public static final String MIN = "min";
    public static final String MAX = "max";
    public static final String MEAN = "mean";
    public static final String VARIANCE = "variance";
    public static final String FIRST_TS = "firstTs";
    public static final String LAST_TS = "lastTs";
    public static final String ANOMALY_SCORE = "anomalyScore";
    public static final String ANOMALY_GRADE = "anomalyGrade";
    public static final String ANOMALY = "anomaly";
    public static final String EXPECTED = "expected";
    public static final String MODEL_VERSION = "modelVersion";
    public static final String PROCESSED_AT = "processedAt";
    public static final String TYPE = "type";
    public static final String SITE = "site";
    public static final String UNIT = "unit";
    /** TTL attribute, epoch seconds. */
    public static final String TTL = "ttl";
    /** GSI partition key, present only on anomalous windows. */
    public static final String ANOMALY_DAY = "anomalyDay";

    public static final String ANOMALIES_GSI = "anomalies-by-day";

    /** N, optional: lower end of the range the model expected the window mean in (WindowScore.expectedLow). */
    public static final String EXPECTED_LOW = "expectedLow";
    /** N, optional: upper end of that range (WindowScore.expectedHigh). */
    public static final String EXPECTED_HIGH = "expectedHigh";
    /** S: which part of the detector flagged the window, an io.sensorpipe.score.Detector name; NONE if not flagged. */
    public static final String DETECTOR = "detector";
    /** S, optional: present only on a window the model could not score, saying why (WindowScore.unscoredReason). */
    public static final String UNSCORED_REASON = "unscoredReason";
    /** S, optional: for a SENSOR_FAULT flag, which fault (an io.sensorpipe.score.FaultKind name); absent otherwise. */
    public static final String FAULT = "fault";

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    /** Default TTL of an item after its window ends, in days: the job's and the reprocessing's {@code --ttl-days}. */
    public static final int DEFAULT_TTL_DAYS = 30;

    /** {@link #DEFAULT_TTL_DAYS} as a duration. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(DEFAULT_TTL_DAYS);

    private ResultItem() {
    }

    /**
     * The item's TTL (epoch seconds): {@code ttl} after the later of the window's end and the write. Counted from
     * the write too, because a reprocessed old window would otherwise be written already expired.
     */
    public static long ttlEpochSeconds(WindowResult r, Duration ttl) {
        return Math.max(r.windowEnd(), r.processedAt()) / 1000 + ttl.toSeconds();
    }

    /**
     * The results-table item of a window, attribute name to plain value (Long, Double, Boolean, String), in a
     * stable order. {@code expected}, the expected range and null strings (detector, unscored reason) are omitted; {@code anomalyDay} is set on anomalous windows
     * only (sparse GSI). The content depends only on the window and {@code ttl}, so a replay rewrites the same item.
     *
     * <p>Numbers DynamoDB cannot hold because they are too close to 0 are stored as 0 ({@link #storable}).
     *
     * @throws IllegalArgumentException on a NaN/infinite number (DynamoDB refuses them) or a missing sensor id
     */
    public static Map<String, Object> toAttributes(WindowResult r, Duration ttl) {
        if (r.sensorId() == null || r.sensorId().isEmpty()) {
            throw new IllegalArgumentException(SENSOR_ID + " is required");
        }
        Map<String, Object> item = new LinkedHashMap<>();
        item.put(SENSOR_ID, r.sensorId());
        item.put(WINDOW_START, r.windowStart());
        item.put(WINDOW_END, r.windowEnd());
        item.put(COUNT, r.count());
        item.put(MIN, finite(MIN, r.min()));
        item.put(MAX, finite(MAX, r.max()));
        item.put(MEAN, finite(MEAN, r.mean()));
        item.put(VARIANCE, finite(VARIANCE, r.variance()));
        item.put(FIRST_TS, r.firstTs());
        item.put(LAST_TS, r.lastTs());
        item.put(ANOMALY_SCORE, finite(ANOMALY_SCORE, r.anomalyScore()));
        item.put(ANOMALY_GRADE, finite(ANOMALY_GRADE, r.anomalyGrade()));
        item.put(ANOMALY, r.anomaly());
        if (r.expected() != null) {
            item.put(EXPECTED, finite(EXPECTED, r.expected()));
        }
        putIfNotNull(item, MODEL_VERSION, r.modelVersion());
        item.put(PROCESSED_AT, r.processedAt());
        putIfNotNull(item, TYPE, r.type());
        putIfNotNull(item, SITE, r.site());
        putIfNotNull(item, UNIT, r.unit());
        if (r.expectedLow() != null) {
            item.put(EXPECTED_LOW, finite(EXPECTED_LOW, r.expectedLow()));
        }
        if (r.expectedHigh() != null) {
            item.put(EXPECTED_HIGH, finite(EXPECTED_HIGH, r.expectedHigh()));
        }
        putIfNotNull(item, DETECTOR, r.detector());
        putIfNotNull(item, UNSCORED_REASON, r.unscoredReason());
        putIfNotNull(item, FAULT, r.fault());
        item.put(TTL, ttlEpochSeconds(r, ttl));
        if (r.anomaly()) {
            item.put(ANOMALY_DAY, anomalyDay(r.windowStart()));
        }
        return item;
    }

    /**
     * A window back from its item. Numbers may be any {@link Number} or a numeric {@link String} (DynamoDB's N is
     * text). Required: sensorId, windowStart, windowEnd (after windowStart), count, min, max, mean, anomalyScore,
     * anomaly; the rest default (0, windowStart for the timestamps, null for strings and expected). A present
     * attribute of the wrong type is always an error. Unknown attributes (ttl, anomalyDay, ...) are ignored.
     *
     * @throws MalformedItemException naming the attribute
     */
    public static WindowResult fromAttributes(Map<String, ?> item) {
        if (item == null || item.isEmpty()) {
            throw new MalformedItemException("item", "is empty");
        }
        String sensorId = string(item, SENSOR_ID);
        if (sensorId == null || sensorId.isBlank()) {
            throw new MalformedItemException(SENSOR_ID, "required string is missing or empty");
        }
        long windowStart = requiredLong(item, WINDOW_START);
        long windowEnd = requiredLong(item, WINDOW_END);
        if (windowEnd <= windowStart) {
            throw new MalformedItemException(WINDOW_END, "must be after windowStart (" + windowStart + "), got "
                    + windowEnd);
        }
        Object anomaly = item.get(ANOMALY);
        if (!(anomaly instanceof Boolean flag)) {
            throw new MalformedItemException(ANOMALY, anomaly == null ? "required boolean is missing"
                    : "must be a boolean, got " + anomaly);
        }
        Double expected = optionalBoxed(item, EXPECTED);
        return new WindowResult(sensorId, windowStart, windowEnd,
                requiredLong(item, COUNT),
                requiredDouble(item, MIN),
                requiredDouble(item, MAX),
                requiredDouble(item, MEAN),
                optionalDouble(item, VARIANCE, 0),
                optionalLong(item, FIRST_TS, windowStart),
                optionalLong(item, LAST_TS, windowStart),
                requiredDouble(item, ANOMALY_SCORE),
                optionalDouble(item, ANOMALY_GRADE, 0),
                flag,
                expected,
                string(item, MODEL_VERSION),
                optionalLong(item, PROCESSED_AT, 0),
                string(item, TYPE),
                string(item, SITE),
                string(item, UNIT),
                optionalBoxed(item, EXPECTED_LOW),
                optionalBoxed(item, EXPECTED_HIGH),
                string(item, DETECTOR),
                string(item, UNSCORED_REASON),
                string(item, FAULT));
    }

    /** An item that does not hold a window result; the message names the attribute and what is wrong. */
    public static final class MalformedItemException extends IllegalArgumentException {
        private final String attribute;

        public MalformedItemException(String attribute, String problem) {
            super(attribute + ": " + problem);
            this.attribute = attribute;
        }

        public String attribute() {
            return attribute;
        }
    }

    private static double finite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite for DynamoDB, got " + v);
        }
        return storable(v);
    }

    /** The smallest magnitude DynamoDB stores other than 0 (1E-130; the largest, 9.99E125, no window reaches). */
    public static final double MIN_NUMBER_MAGNITUDE = 1e-130;

    /**
     * {@code v} as the results item holds it: a magnitude below {@link #MIN_NUMBER_MAGNITUDE} (a reading of 1e-200,
     * the variance of readings near 1e-70) is 0, since DynamoDB refuses the whole write of such a number ("Number
     * underflow"), and a job that retried that batch would fail on it after every restart.
     */
    public static double storable(double v) {
        return Math.abs(v) < MIN_NUMBER_MAGNITUDE ? 0.0 : v;
    }

    private static void putIfNotNull(Map<String, Object> item, String name, String value) {
        if (value != null) {
            item.put(name, value);
        }
    }

    private static String string(Map<String, ?> item, String name) {
        Object v = item.get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new MalformedItemException(name, "must be a string, got " + v.getClass().getSimpleName() + " " + v);
    }

    /** The attribute as a number, null when absent. */
    private static BigDecimal number(Map<String, ?> item, String name) {
        Object v = item.get(name);
        if (v == null) {
            return null;
        }
        try {
            if (v instanceof BigDecimal d) {
                return d;
            }
            if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                return BigDecimal.valueOf(((Number) v).longValue());
            }
            if (v instanceof Number n) {
                return new BigDecimal(Double.toString(n.doubleValue()));
            }
            if (v instanceof String s) {
                return new BigDecimal(s.trim());
            }
        } catch (NumberFormatException e) {
            throw new MalformedItemException(name, "must be a number, got \"" + v + "\"");
        }
        throw new MalformedItemException(name, "must be a number, got " + v.getClass().getSimpleName() + " " + v);
    }

    private static long requiredLong(Map<String, ?> item, String name) {
        BigDecimal n = number(item, name);
        if (n == null) {
            throw new MalformedItemException(name, "required number is missing");
        }
        return toLong(name, n);
    }

    private static long optionalLong(Map<String, ?> item, String name, long fallback) {
        BigDecimal n = number(item, name);
        return n == null ? fallback : toLong(name, n);
    }

    private static long toLong(String name, BigDecimal n) {
        try {
            return n.longValueExact();
        } catch (ArithmeticException e) {
            throw new MalformedItemException(name, "must be a whole number that fits a long, got " + n);
        }
    }

    private static double requiredDouble(Map<String, ?> item, String name) {
        BigDecimal n = number(item, name);
        if (n == null) {
            throw new MalformedItemException(name, "required number is missing");
        }
        return n.doubleValue();
    }

    private static Double optionalBoxed(Map<String, ?> item, String name) {
        BigDecimal n = number(item, name);
        return n == null ? null : n.doubleValue();
    }

    private static double optionalDouble(Map<String, ?> item, String name, double fallback) {
        BigDecimal n = number(item, name);
        return n == null ? fallback : n.doubleValue();
    }

    /** The GSI partition key for a window starting at {@code windowStartMillis}. */
    public static String anomalyDay(long windowStartMillis) {
        return DAY.format(Instant.ofEpochMilli(windowStartMillis));
    }
}
