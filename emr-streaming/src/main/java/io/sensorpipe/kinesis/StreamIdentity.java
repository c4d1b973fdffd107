package io.sensorpipe.kinesis;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The stream a checkpoint's positions belong to: its name and creation time (a stream deleted and created again
 * under the same name is another stream, whose shards reuse the ids but not the sequence numbers). Stored beside
 * the per-plan results ({@link BatchMetadataStore#streamIdentity()}), not in the offset, so a release that does not
 * know it still reads the checkpoint.
 *
 * @param stream    the stream's name
 * @param createdAt its creation time, epoch ms (DescribeStreamSummary)
 * @param sincePlan the first plan whose positions belong to it: a plan before it still holds another stream's
 * @param change    what the checkpoint read before, when {@code sincePlan} switched to this stream; else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StreamIdentity(String stream, long createdAt, long sincePlan, String change) {

    boolean sameStream(StreamIdentity other) {
        return stream.equals(other.stream) && createdAt == other.createdAt;
    }

    /** How {@code now} differs from this (the checkpoint's) stream, in words an operator can check. */
    String differenceTo(StreamIdentity now) {
        if (!stream.equals(now.stream)) {
            return "the checkpoint's positions belong to stream " + stream + " (created " + Instant.ofEpochMilli(createdAt)
                    + "), not to " + now.stream;
        }
        return "stream " + stream + " was created at " + Instant.ofEpochMilli(now.createdAt) + ", but the checkpoint's "
                + "positions belong to the stream of that name created at " + Instant.ofEpochMilli(createdAt)
                + " (deleted and created again?)";
    }
}
