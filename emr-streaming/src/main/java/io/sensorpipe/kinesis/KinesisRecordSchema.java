package io.sensorpipe.kinesis;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Row layout of the source. {@code data}, {@code streamName}, {@code partitionKey}, {@code sequenceNumber} and
 * {@code approximateArrivalTimestamp} are named as in AWS's {@code aws-kinesis} connector, so the job reads either.
 */
public final class KinesisRecordSchema {
    public static final StructType SCHEMA = new StructType()
            .add("data", DataTypes.BinaryType, false)
            .add("streamName", DataTypes.StringType, false)
            .add("partitionKey", DataTypes.StringType, true)
            .add("sequenceNumber", DataTypes.StringType, false)
            .add("subSequenceNumber", DataTypes.LongType, false)
            .add("shardId", DataTypes.StringType, false)
            .add("approximateArrivalTimestamp", DataTypes.TimestampType, true);

    private KinesisRecordSchema() {
    }
}
