package io.sensorpipe.kinesis;

import java.util.List;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The three Kinesis calls the source makes. The reader is written against this so that its handling of pages
 * Kinesis returns but a local endpoint never does (empty pages while records follow) is unit-tested; the job and
 * the ITs use {@link SdkKinesisApi} on a real endpoint.
 */
public interface KinesisApi {
    List<Shard> listShards(String stream);

    /** Throws {@link PositionLostException} when Kinesis no longer has the position (trimmed, or the shard is gone). */
    String shardIterator(GetShardIteratorRequest request);

    /** One page; null when the iterator expired (the caller asks for a new one from its position). */
    GetRecordsResponse getRecords(String stream, String shardId, String shardIterator, int limit);

    /** The stream's retention and creation time (DescribeStreamSummary). */
    Retention retention(String stream);

    /** How long the stream keeps records, and since when it exists. */
    record Retention(long retentionMillis, long createdAtMillis) {
    }

    /** Counters of the calls made through this instance. */
    ReadStats stats();

    /** The position asked for is behind the stream's retention or its shard expired from the listing. */
    final class PositionLostException extends RuntimeException {
        public PositionLostException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
