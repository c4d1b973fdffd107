package io.sensorpipe.alerts;

/**
 * What the handler did with one stream record.
 *
 * @param sequenceNumber the record's stream sequence number (the batch item identifier)
 * @param sensorId       the window's sensor, when known
 * @param windowStart    the window's start, when known
 * @param detail         why (for failures: the reason reported and dead-lettered)
 * @param mendable       for a failure: a retry can succeed (a claim in flight, a publish or table error), unlike a
 *                       malformed record, which fails every time
 */
public record RecordOutcome(Kind kind, String sequenceNumber, String sensorId, Long windowStart, String detail,
                            boolean mendable) {

    public RecordOutcome(Kind kind, String sequenceNumber, String sensorId, Long windowStart, String detail) {
        this(kind, sequenceNumber, sensorId, windowStart, detail, false);
    }

    public enum Kind {
        /** Alert published to SNS. */
        SENT,
        /** Anomalous, but another window of the sensor was alerted within the cooldown. */
        SUPPRESSED_COOLDOWN,
        /** This window was alerted already (retry or replay). */
        SUPPRESSED_DUPLICATE,
        /** Not an anomaly, or not an insert/update: nothing to do. */
        IGNORED,
        /** Reported in batchItemFailures: malformed image, publish or state-table error, claim still in flight. */
        FAILED
    }

    public boolean failed() {
        return kind == Kind.FAILED;
    }

    static RecordOutcome failed(String sequenceNumber, String sensorId, Long windowStart, String reason) {
        return new RecordOutcome(Kind.FAILED, sequenceNumber, sensorId, windowStart, reason, true);
    }

    /** A failure no retry mends: the record itself is bad. */
    static RecordOutcome rejected(String sequenceNumber, String sensorId, Long windowStart, String reason) {
        return new RecordOutcome(Kind.FAILED, sequenceNumber, sensorId, windowStart, reason, false);
    }
}
