package io.sensorpipe.archive.layout;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sensorpipe.contract.ArchiveLayout;
import io.sensorpipe.schema.ReadingCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * One line of a {@code processing-failed} error object, in the JSON shape Firehose writes for records its
 * transformation rejected (attemptsMade, arrivalTimestamp, errorCode, errorMessage, attemptEndingTimestamp,
 * rawData base64, lambdaArn).
 *
 * <p>The bridge's addition: the rejected record's stream position ({@code shardId}, {@code sequenceNumber},
 * {@code subSequenceNumber}, see {@link ArchiveLayout#ERROR_SHARD_ID}), after Firehose's fields. Two identical
 * rejected records (same bytes, same arrival time in one KPL aggregate or PutRecords call, same bridge millisecond)
 * would otherwise give identical lines; a re-delivered record gets its first copy's position again. The fields are
 * left out when null, so a document Firehose wrote in AWS (which has none of them) reads and writes back unchanged;
 * readers ignore unknown fields.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorDocument(
        @JsonProperty("attemptsMade") int attemptsMade,
        @JsonProperty("arrivalTimestamp") long arrivalTimestamp,
        @JsonProperty("errorCode") String errorCode,
        @JsonProperty("errorMessage") String errorMessage,
        @JsonProperty("attemptEndingTimestamp") long attemptEndingTimestamp,
        @JsonProperty("rawData") String rawData,
        @JsonProperty("lambdaArn") String lambdaArn,
        @JsonProperty(ArchiveLayout.ERROR_SHARD_ID) String shardId,
        @JsonProperty(ArchiveLayout.ERROR_SEQUENCE_NUMBER) String sequenceNumber,
        @JsonProperty(ArchiveLayout.ERROR_SUB_SEQUENCE_NUMBER) Long subSequenceNumber) {

    /** The code Firehose uses when the transformation returned {@code ProcessingFailed} for a record. */
    public static final String PROCESSING_FAILED_STATUS = "Lambda.ProcessingFailedStatus";

    /** The bridge's document for a rejected record at (shardId, sequenceNumber, subSequenceNumber) of the stream. */
    public static ErrorDocument processingFailed(byte[] raw, long arrivalMillis, long nowMillis, String message,
                                                 String processorArn, String shardId, String sequenceNumber,
                                                 long subSequenceNumber) {
        return new ErrorDocument(1, arrivalMillis, PROCESSING_FAILED_STATUS, message, nowMillis,
                Base64.getEncoder().encodeToString(raw), processorArn, shardId, sequenceNumber, subSequenceNumber);
    }

    public byte[] rawBytes() {
        return Base64.getDecoder().decode(rawData);
    }

    /** The document as one newline-terminated line. */
    public byte[] toLine() {
        byte[] json = ReadingCodec.toJsonBytes(this);
        byte[] line = Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    public static ErrorDocument fromLine(String line) {
        try {
            return ReadingCodec.MAPPER.readValue(line.getBytes(StandardCharsets.UTF_8), ErrorDocument.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not an error document: " + line, e);
        }
    }
}
