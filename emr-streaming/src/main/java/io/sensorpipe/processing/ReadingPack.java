package io.sensorpipe.processing;

import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.ReadingCodec;
import java.io.Serializable;
import java.sql.Timestamp;

/**
 * What crosses the shuffle into the per-sensor state step (a Spark bean): one sensor's valid readings from one shard
 * in one task, packed by {@link ReadingPacker}, or a single reject. A pack carries each reading's event time, value
 * and position in the stream (exactly what dedup, lateness and a dead letter need), not its raw bytes: one row per
 * sensor and shard instead of one per reading, and a fraction of the bytes. {@link #getEventTime} is the pack's
 * newest reading's, so Spark's watermark (the max event time of a batch) is the same as over single readings.
 */
public class ReadingPack implements Serializable {
    private String routeKey;
    private boolean valid;
    private String type;
    private String site;
    private String unit;
    private Timestamp eventTime;
    private long[] ts;
    private double[] values;
    private String[] sequenceNumbers;
    private long[] subSequenceNumbers;
    private String streamName;
    private String shardId;
    // a reject's (valid = false): the record as received and why it was refused
    private String reason;
    private String message;
    private byte[] data;

    /** A record that did not parse or validate: a pack of one, with its raw bytes. */
    static ReadingPack reject(ParsedRecord r) {
        ReadingPack p = new ReadingPack();
        p.routeKey = r.getRouteKey();
        p.valid = false;
        p.reason = r.getReason();
        p.message = r.getMessage();
        p.data = r.getData();
        p.streamName = r.getStreamName();
        p.shardId = r.getShardId();
        p.sequenceNumbers = new String[] {r.getSequenceNumber()};
        p.subSequenceNumbers = new long[] {r.getSubSequenceNumber()};
        p.ts = new long[0];
        p.values = new double[0];
        return p;
    }

    /** Number of readings in the pack (0 for a reject). */
    public int readings() {
        return ts.length;
    }

    /**
     * Reading {@code i} as JSON in the reading's wire form (a dead letter of a valid reading: {@code LATE},
     * {@code DUPLICATE}). The raw bytes stay in the stream and its archive at the position the letter names.
     */
    public byte[] readingJson(int i) {
        return ReadingCodec.toJsonBytes(new Reading(Reading.SCHEMA_VERSION, routeKey, type, site, ts[i], values[i],
                unit));
    }

    public String getRouteKey() { return routeKey; }
    public void setRouteKey(String v) { routeKey = v; }
    public boolean isValid() { return valid; }
    public void setValid(boolean v) { valid = v; }
    public String getType() { return type; }
    public void setType(String v) { type = v; }
    public String getSite() { return site; }
    public void setSite(String v) { site = v; }
    public String getUnit() { return unit; }
    public void setUnit(String v) { unit = v; }
    public Timestamp getEventTime() { return eventTime; }
    public void setEventTime(Timestamp v) { eventTime = v; }
    public long[] getTs() { return ts; }
    public void setTs(long[] v) { ts = v; }
    public double[] getValues() { return values; }
    public void setValues(double[] v) { values = v; }
    public String[] getSequenceNumbers() { return sequenceNumbers; }
    public void setSequenceNumbers(String[] v) { sequenceNumbers = v; }
    public long[] getSubSequenceNumbers() { return subSequenceNumbers; }
    public void setSubSequenceNumbers(long[] v) { subSequenceNumbers = v; }
    public String getStreamName() { return streamName; }
    public void setStreamName(String v) { streamName = v; }
    public String getShardId() { return shardId; }
    public void setShardId(String v) { shardId = v; }
    public String getReason() { return reason; }
    public void setReason(String v) { reason = v; }
    public String getMessage() { return message; }
    public void setMessage(String v) { message = v; }
    public byte[] getData() { return data; }
    public void setData(byte[] v) { data = v; }
}
