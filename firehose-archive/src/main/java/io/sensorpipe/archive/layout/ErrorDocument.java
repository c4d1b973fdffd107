package io.sensorpipe.archive.layout;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sensorpipe.schema.ReadingCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * One line of a {@code processing-failed} error object, in the JSON shape Firehose writes for records its
 * transformation rejected (attemptsMade, arrivalTimestamp, errorCode, errorMessage, attemptEndingTimestamp,
 * rawData base64, lambdaArn).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorDocument(
        @JsonProperty("attemptsMade") int attemptsMade,
        @JsonProperty("arrivalTimestamp") long arrivalTimestamp,
        @JsonProperty("errorCode") String errorCode,
        @JsonProperty("errorMessage") String errorMessage,
        @JsonProperty("attemptEndingTimestamp") long attemptEndingTimestamp,
        @JsonProperty("rawData") String rawData,
        @JsonProperty("lambdaArn") String lambdaArn) {

    /** The code Firehose uses when the transformation returned {@code ProcessingFailed} for a record. */
    public static final String PROCESSING_FAILED_STATUS = "Lambda.ProcessingFailedStatus";

    public static ErrorDocument processingFailed(byte[] raw, long arrivalMillis, long nowMillis, String message,
                                                 String processorArn) {
        return new ErrorDocument(1, arrivalMillis, PROCESSING_FAILED_STATUS, message, nowMillis,
                Base64.getEncoder().encodeToString(raw), processorArn);
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
