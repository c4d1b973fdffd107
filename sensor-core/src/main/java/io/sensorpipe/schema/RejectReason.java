package io.sensorpipe.schema;

/** Why a raw record was not accepted as a {@link Reading}; stored with every dead letter. */
public enum RejectReason {
    /** Larger than {@link ReadingParser#MAX_RECORD_BYTES}. */
    OVERSIZED,
    /** Not UTF-8 JSON, or not a JSON object. */
    MALFORMED_JSON,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A field has the wrong JSON type (e.g. a string where a number belongs). */
    WRONG_TYPE,
    /** A field has the right type but an unusable value (blank id, unknown schema version). */
    INVALID_VALUE,
    /** {@code value} is NaN or infinite. */
    NON_FINITE_VALUE,
    /** {@code ts} is absurdly far from the processing clock. */
    TIMESTAMP_OUT_OF_RANGE,
    /**
     * Not a reading: the Kinesis source's marker for records lost behind the stream's retention (job run with
     * {@code --fail-on-data-loss false}); its message names the shard and the lost range.
     */
    DATA_LOSS
}
