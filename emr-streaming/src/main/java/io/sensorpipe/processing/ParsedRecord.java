package io.sensorpipe.processing;

import java.io.Serializable;

/**
 * One source record after parsing, inside the parse task: either a valid reading (routed to its sensor's state) or a
 * reject (routed to one of {@link #DEAD_LETTER_GROUPS} dead-letter groups), with the record's Kinesis coordinates.
 * What crosses the shuffle is {@link ReadingPack}.
 */
public class ParsedRecord implements Serializable {
    /**
     * Prefix of the rejects' group keys. {@link RecordParsing} rejects sensor ids starting with it, so no sensor has
     * such a key.
     */
    public static final String DEAD_LETTER_PREFIX = "\u0000dead-";
    /** Rejects are spread over this many groups (by record position), so a poison flood spreads over tasks. */
    public static final int DEAD_LETTER_GROUPS = 64;

    /** The dead-letter group of a reject: a function of its position in the stream, so a re-run routes it alike. */
    public static String deadLetterKey(String shardId, String sequenceNumber, long subSequenceNumber) {
        int h = java.util.Objects.hash(shardId, sequenceNumber, subSequenceNumber);
        return DEAD_LETTER_PREFIX + Math.floorMod(h, DEAD_LETTER_GROUPS);
    }

    public static boolean isDeadLetterKey(String key) {
        return key.startsWith(DEAD_LETTER_PREFIX);
    }

    private String routeKey;
    private boolean valid;
    private String sensorId;
    private String type;
    private String site;
    private String unit;
    private long ts;
    private double value;
    private String reason;
    private String message;
    private byte[] data;
    private String streamName;
    private String shardId;
    private String sequenceNumber;
    private long subSequenceNumber;

    public String getRouteKey() { return routeKey; }
    public void setRouteKey(String v) { routeKey = v; }
    public boolean isValid() { return valid; }
    public void setValid(boolean v) { valid = v; }
    public String getSensorId() { return sensorId; }
    public void setSensorId(String v) { sensorId = v; }
    public String getType() { return type; }
    public void setType(String v) { type = v; }
    public String getSite() { return site; }
    public void setSite(String v) { site = v; }
    public String getUnit() { return unit; }
    public void setUnit(String v) { unit = v; }
    public long getTs() { return ts; }
    public void setTs(long v) { ts = v; }
    public double getValue() { return value; }
    public void setValue(double v) { value = v; }
    public String getReason() { return reason; }
    public void setReason(String v) { reason = v; }
    public String getMessage() { return message; }
    public void setMessage(String v) { message = v; }
    public byte[] getData() { return data; }
    public void setData(byte[] v) { data = v; }
    public String getStreamName() { return streamName; }
    public void setStreamName(String v) { streamName = v; }
    public String getShardId() { return shardId; }
    public void setShardId(String v) { shardId = v; }
    public String getSequenceNumber() { return sequenceNumber; }
    public void setSequenceNumber(String v) { sequenceNumber = v; }
    public long getSubSequenceNumber() { return subSequenceNumber; }
    public void setSubSequenceNumber(long v) { subSequenceNumber = v; }
}
