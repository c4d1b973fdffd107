package io.sensorpipe.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Base64;
import io.sensorpipe.processing.JobOutput;

/**
 * One dead-letter line (JSON): the raw record (base64), why it was not windowed (a parser reject reason, or LATE),
 * the parser's message and where the record came from.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(String reason, String message, String data, String stream, String shardId,
                         String sequenceNumber, long subSequenceNumber, String sensorId, Long eventTs,
                         String time) {

    public static DeadLetter of(JobOutput o) {
        return new DeadLetter(o.getReason(), o.getMessage(),
                o.getData() == null ? null : Base64.getEncoder().encodeToString(o.getData()),
                o.getStreamName(), o.getShardId(), o.getSequenceNumber(), o.getSubSequenceNumber(), o.getSensorId(),
                o.getEventTs(), Instant.ofEpochMilli(o.getProcessedAt()).toString());
    }
}
