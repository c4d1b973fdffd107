package io.sensorpipe.kinesis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.List;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * Reads the event time of sensor readings (top-level numeric field, {@code ts} by default, as in
 * {@code io.sensorpipe.schema.Reading}) with a streaming scan, without building the reading: the reader needs only
 * the time to align shards; the job parses and validates the reading later. Records without a usable time, and
 * times beyond the job's future skew (the job dead-letters those), are ignored: they must not move a shard.
 */
public final class EventTimes implements Serializable {
    private static final JsonFactory JSON = new JsonFactory();

    private final String field;
    private final long maxFutureSkewMillis;

    public EventTimes(String field, long maxFutureSkewMillis) {
        this.field = field;
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    /** Oldest and newest usable event time of one Kinesis record's user records; null when none has one. */
    public record Span(long min, long max) {
    }

    /**
     * @param arrivalMillis when the stream stored the record: a time further ahead of it than the skew is ignored,
     *                      as the job's parser dead-letters it (judged against the arrival, so the same while
     *                      catching up as live)
     */
    public Span span(List<KinesisClientRecord> userRecords, long arrivalMillis) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (KinesisClientRecord r : userRecords) {
            Long ts = of(r.data(), arrivalMillis);
            if (ts != null) {
                min = Math.min(min, ts);
                max = Math.max(max, ts);
            }
        }
        return min == Long.MAX_VALUE ? null : new Span(min, max);
    }

    /** The record's event time, or null when it has none usable (or one beyond the skew past {@code arrivalMillis}). */
    public Long of(ByteBuffer data, long arrivalMillis) {
        ByteBuffer b = data.duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals(field)) {
                    if (t != JsonToken.VALUE_NUMBER_INT) {
                        return null;
                    }
                    long ts = p.getLongValue();
                    return ts > arrivalMillis + maxFutureSkewMillis ? null : ts;
                }
                p.skipChildren();
            }
        } catch (IOException | RuntimeException e) {
            return null; // not JSON: the job dead-letters it; it does not move the shard
        }
        return null;
    }
}
