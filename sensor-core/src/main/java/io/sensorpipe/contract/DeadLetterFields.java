package io.sensorpipe.contract;

/**
 * The dead-letter lines the streaming job writes (one JSON object a line, objects
 * {@code <prefix>day=YYYY-MM-DD/<job>-batch-<id>-part-<partition>.jsonl}, overwritten whole when a batch is re-run;
 * {@code <job>} names the checkpoint and, for the streaming job, its query, so a new checkpoint writes new objects):
 * the field names and reasons their readers rely on. The reasons are the job's own ({@code JobOutput}); the field
 * names are the components of emr-streaming's {@code DeadLetter} record, held to these by {@code DeadLetterWriterTest};
 * the cli's pipeline summary counts the letters in S3 by them.
 */
public final class DeadLetterFields {
    /** Why the record was not windowed: {@link #LATE}, {@link #DUPLICATE} or a parser reject reason. */
    public static final String REASON = "reason";
    /** The record's stream position: shard id, sequence number and sub-sequence number of the user record. */
    public static final String SHARD_ID = "shardId";
    /** See {@link #SHARD_ID}. */
    public static final String SEQUENCE_NUMBER = "sequenceNumber";
    /** See {@link #SHARD_ID}. */
    public static final String SUB_SEQUENCE_NUMBER = "subSequenceNumber";
    /** The reading's sensor, when the record parsed far enough to tell. */
    public static final String SENSOR_ID = "sensorId";
    /** A valid reading whose window had closed. */
    public static final String LATE = "LATE";
    /** A repeat of a reading (same sensorId and ts) already in its window: at-least-once delivery. */
    public static final String DUPLICATE = "DUPLICATE";

    private DeadLetterFields() {
    }
}
