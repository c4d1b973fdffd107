package io.sensorpipe.kinesis;

import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One task's work in plan {@code plan}: read shard {@code shardId} from {@code from}, consuming records whose
 * event times are at most {@code ceiling} ({@code leader}: the first record regardless), at most
 * {@code maxRecords} Kinesis records, except that every record up to {@code floor} is consumed even past that cap
 * (up to {@link ShardBatchReader#HARD_CAP}).
 */
public record ShardTask(String stream, String shardId, StartPosition start, ShardPosition from, long plan,
                        long ceiling, long floor, boolean leader, int maxRecords, long minGetRecordsIntervalMs,
                        BatchMetadataStore store, EventTimes eventTimes, boolean failOnDataLoss)
        implements InputPartition {
}
