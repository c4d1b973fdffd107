package io.sensorpipe.processing;

import java.io.Serializable;
import java.sql.Timestamp;

/**
 * One source record after parsing (a Spark bean): either a valid reading (routed to its sensor's state) or a
 * reject (routed to the dead-letter group, {@link #DEAD_LETTER_KEY}), with the record's Kinesis coordinates.
 */
public class ParsedRecord implements Serializable {
    /** Group key of rejects: the parser rejects blank sensor ids, so no sensor has it. */
    public static final String DEAD_LETTER_KEY = "";

    private String routeKey;
    private boolean valid;
    private String sensorId;
    private String type;
    private String site;
    private String unit;
    private long ts;
    private double value;
    private Timestamp eventTime;
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
    public Timestamp getEventTime() { return eventTime; }
    public void setEventTime(Timestamp v) { eventTime = v; }
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
