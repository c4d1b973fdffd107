package io.sensorpipe.kinesis;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of Kinesis reads: what one task (or one benchmark) spent against the per-shard limits. */
public final class ReadStats {
    final AtomicLong getRecordsCalls = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong records = new AtomicLong();
    final AtomicLong throttles = new AtomicLong();
    final AtomicLong otherCalls = new AtomicLong();

    @JsonProperty("getRecordsCalls")
    public long getRecordsCalls() {
        return getRecordsCalls.get();
    }

    /** Bytes of Kinesis records fetched (consumed or not). */
    @JsonProperty("bytes")
    public long bytes() {
        return bytes.get();
    }

    /** Kinesis records fetched (consumed or not; an aggregate counts once). */
    @JsonProperty("records")
    public long records() {
        return records.get();
    }

    @JsonProperty("throttles")
    public long throttles() {
        return throttles.get();
    }

    /** ListShards and GetShardIterator calls. */
    @JsonProperty("otherCalls")
    public long otherCalls() {
        return otherCalls.get();
    }
}
