package io.sensorpipe.kinesis;

import org.apache.spark.sql.connector.read.InputPartition;

/** One task's work: the records of one shard after {@code afterSeq} (or from {@code start}) up to {@code endSeq}. */
public record ShardRange(String stream, String shardId, StartPosition start, String afterSeq, String endSeq,
                         long minGetRecordsIntervalMs) implements InputPartition {
}
