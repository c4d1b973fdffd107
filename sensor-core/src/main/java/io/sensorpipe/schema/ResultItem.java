package io.sensorpipe.schema;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The DynamoDB results table (contract shared by the streaming job, the alert Lambda, the query CLI and CDK).
 *
 * <pre>
 * table  sensorpipe-results (name by config)
 *   pk   sensorId    S   one sensor's windows are one item collection: "windows of sensor X in [t1,t2)" is a Query
 *   sk   windowStart N   epoch ms
 *   attributes: windowEnd count min max mean variance firstTs lastTs anomalyScore anomalyGrade anomaly(BOOL)
 *               expected? modelVersion processedAt type site unit ttl(epoch seconds, TTL attribute)
 *   stream NEW_IMAGE (the alert Lambda filters on anomaly = true)
 *
 * GSI anomalies-by-day (sparse: only anomalous windows carry anomalyDay)
 *   pk   anomalyDay  S   "yyyy-MM-dd" (UTC) of windowStart: "anomalies across sensors in [t1,t2)" = one Query per day
 *   sk   windowStart N
 *   projection ALL
 * </pre>
 * Anomalies are rare, so one partition per day stays far below DynamoDB's per-partition limits.
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

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private ResultItem() {
    }

    /** The GSI partition key for a window starting at {@code windowStartMillis}. */
    public static String anomalyDay(long windowStartMillis) {
        return DAY.format(Instant.ofEpochMilli(windowStartMillis));
    }
}
