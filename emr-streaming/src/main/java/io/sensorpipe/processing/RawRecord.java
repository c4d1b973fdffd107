package io.sensorpipe.processing;

import java.io.Serializable;

/**
 * A raw record as the job's source delivers it (a Spark bean whose columns match the Kinesis source's): used to
 * feed archived records (batch reprocessing) and tests through the same pipeline.
 */
public class RawRecord implements Serializable {
    private byte[] data;
    private String streamName;
    private String shardId;
    private String sequenceNumber;
    private long subSequenceNumber;
    /** When the stream stored the record (the sources' {@code approximateArrivalTimestamp}); null when unknown. */
    private java.sql.Timestamp approximateArrivalTimestamp;

    public RawRecord() {
    }

    public RawRecord(byte[] data, String streamName, String shardId, String sequenceNumber, long subSequenceNumber) {
        this.data = data;
        this.streamName = streamName;
        this.shardId = shardId;
        this.sequenceNumber = sequenceNumber;
        this.subSequenceNumber = subSequenceNumber;
    }

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
    public java.sql.Timestamp getApproximateArrivalTimestamp() { return approximateArrivalTimestamp; }
    public void setApproximateArrivalTimestamp(java.sql.Timestamp v) { approximateArrivalTimestamp = v; }

    /** This record as if the stream had stored it at {@code arrivalMillis}. */
    public RawRecord arrivedAt(long arrivalMillis) {
        approximateArrivalTimestamp = new java.sql.Timestamp(arrivalMillis);
        return this;
    }
}
