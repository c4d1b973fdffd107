package io.sensorpipe.kinesis;

import java.io.Serializable;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Where a shard that has no consumed record yet starts. LATEST is fixed to AT_TIMESTAMP(time of the first batch)
 * when the query starts, so a replayed batch starts at exactly the same record (LATEST would move).
 */
public record StartPosition(String type, long timestampMillis) implements Serializable {

    public static StartPosition parse(String spec) {
        if (spec.equals("TRIM_HORIZON")) {
            return new StartPosition("TRIM_HORIZON", 0);
        }
        if (spec.startsWith("AT_TIMESTAMP:")) {
            return new StartPosition("AT_TIMESTAMP", Long.parseLong(spec.substring("AT_TIMESTAMP:".length())));
        }
        throw new IllegalArgumentException("unknown start position " + spec);
    }

    public static StartPosition of(KinesisSourceOptions options, long nowMillis) {
        return switch (options.initialPosition()) {
            case "TRIM_HORIZON" -> new StartPosition("TRIM_HORIZON", 0);
            case "LATEST" -> new StartPosition("AT_TIMESTAMP", nowMillis);
            default -> new StartPosition("AT_TIMESTAMP", options.atTimestampMillis());
        };
    }

    public String spec() {
        return type.equals("TRIM_HORIZON") ? type : "AT_TIMESTAMP:" + timestampMillis;
    }

    /** Iterator request for a shard at {@code position}: after its last consumed record, else at this start. */
    GetShardIteratorRequest iteratorRequest(String stream, String shardId, String afterSequenceNumber) {
        GetShardIteratorRequest.Builder b = GetShardIteratorRequest.builder().streamName(stream).shardId(shardId);
        if (afterSequenceNumber != null) {
            return b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                    .startingSequenceNumber(afterSequenceNumber).build();
        }
        if (type.equals("TRIM_HORIZON")) {
            return b.shardIteratorType(ShardIteratorType.TRIM_HORIZON).build();
        }
        return b.shardIteratorType(ShardIteratorType.AT_TIMESTAMP)
                .timestamp(java.time.Instant.ofEpochMilli(timestampMillis)).build();
    }
}
