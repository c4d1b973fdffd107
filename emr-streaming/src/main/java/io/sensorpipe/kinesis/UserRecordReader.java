package io.sensorpipe.kinesis;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.unsafe.types.UTF8String;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/** Turns one shard range's user records into rows of {@link KinesisRecordSchema#SCHEMA}. */
final class UserRecordReader implements PartitionReader<InternalRow> {
    private final ShardTask range;
    private final Iterator<KinesisClientRecord> records;
    private InternalRow current;

    UserRecordReader(ShardTask range, List<KinesisClientRecord> records) {
        this.range = range;
        this.records = records.iterator();
    }

    @Override
    public boolean next() {
        if (!records.hasNext()) {
            return false;
        }
        KinesisClientRecord r = records.next();
        ByteBuffer buf = r.data().duplicate();
        byte[] data = new byte[buf.remaining()];
        buf.get(data);
        Object arrival = r.approximateArrivalTimestamp() == null ? null
                : r.approximateArrivalTimestamp().toEpochMilli() * 1000L;
        current = new GenericInternalRow(new Object[] {
                data,
                UTF8String.fromString(range.stream()),
                r.partitionKey() == null ? null : UTF8String.fromString(r.partitionKey()),
                UTF8String.fromString(r.sequenceNumber()),
                r.subSequenceNumber(),
                UTF8String.fromString(range.shardId()),
                arrival});
        return true;
    }

    @Override
    public InternalRow get() {
        return current;
    }

    @Override
    public void close() {
    }
}
