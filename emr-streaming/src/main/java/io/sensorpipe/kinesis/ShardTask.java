package io.sensorpipe.kinesis;

import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One task's work in plan {@code plan}: read shard {@code shardId} from {@code from}, consuming records whose
 * event times are at most {@code ceiling} ({@code leader}: also a first record that only starts by the ceiling, a KPL
 * aggregate), at most {@code maxRecords} Kinesis records, except that every record up to {@code floor} is consumed
 * even past that cap (up to {@link ShardBatchReader#HARD_CAP}). {@code location}: the executor that read the shard
 * in the previous plan (its read-ahead buffer is there), or null. {@code streamChange}: set on one task of the plan
 * that moved the checkpoint to another stream ({@link StreamIdentity}); that task reports it as a data loss.
 * {@code readNothing}: the plan's positions belong to another stream (a re-run of its last plan after the switch was
 * asked for): the task reads nothing and keeps its position.
 */
public record ShardTask(String stream, String shardId, StartPosition start, ShardPosition from, long plan,
                        long ceiling, long floor, boolean leader, int maxRecords, long minGetRecordsIntervalMs,
                        BatchMetadataStore store, EventTimes eventTimes, boolean failOnDataLoss, String location,
                        String streamChange, boolean readNothing)
        implements InputPartition {

    public ShardTask(String stream, String shardId, StartPosition start, ShardPosition from, long plan, long ceiling,
                     long floor, boolean leader, int maxRecords, long minGetRecordsIntervalMs, BatchMetadataStore store,
                     EventTimes eventTimes, boolean failOnDataLoss) {
        this(stream, shardId, start, from, plan, ceiling, floor, leader, maxRecords, minGetRecordsIntervalMs, store,
                eventTimes, failOnDataLoss, null, null, false);
    }

    /** Spark schedules the task on that executor when it can (within spark.locality.wait), else anywhere. */
    @Override
    public String[] preferredLocations() {
        return location == null ? new String[0] : new String[] {location};
    }
}
