package io.sensorpipe.cli.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorpipe.contract.AlertAttributes;
import io.sensorpipe.contract.SnsEnvelope;
import io.sensorpipe.schema.ReadingCodec;
import io.sensorpipe.schema.ResultItem;
import java.time.Instant;
import java.util.Map;

/**
 * One alert as it arrived on the SQS subscription: SNS wraps the alert Lambda's message in an envelope
 * (unless raw delivery is on); both forms are read by the shared {@link SnsEnvelope}. The alert body is kept as text; sensor, window, score and
 * severity come from the SNS message attributes the alert Lambda sets, or from the body when it is JSON.
 */
public record Alert(String messageId, long sentAt, String subject, String message, String sensorId,
                    Long windowStart, Double anomalyScore, Double mean, String severity) {

    /** Parses an SQS body; {@code sqsSentAt} is the queue's SentTimestamp, used when SNS gives none. */
    public static Alert fromSqsBody(String messageId, String body, long sqsSentAt) {
        SnsEnvelope envelope = SnsEnvelope.parse(body, Map.of());
        long sentAt = sqsSentAt;
        if (envelope.timestamp() != null) {
            try {
                sentAt = Instant.parse(envelope.timestamp()).toEpochMilli();
            } catch (RuntimeException ignored) {
                // keep the queue's timestamp
            }
        }
        String sensorId = envelope.attribute(AlertAttributes.SENSOR_ID);
        String windowStart = envelope.attribute(AlertAttributes.WINDOW_START);
        String score = envelope.attribute(AlertAttributes.SCORE);
        Double mean = null;
        JsonNode alert = tryJson(envelope.message());
        if (alert != null && alert.isObject()) {
            sensorId = alert.hasNonNull(ResultItem.SENSOR_ID) ? alert.get(ResultItem.SENSOR_ID).asText() : sensorId;
            windowStart = alert.hasNonNull(ResultItem.WINDOW_START) ? alert.get(ResultItem.WINDOW_START).asText()
                    : windowStart;
            score = alert.hasNonNull(ResultItem.ANOMALY_SCORE) ? alert.get(ResultItem.ANOMALY_SCORE).asText() : score;
            mean = alert.hasNonNull(ResultItem.MEAN) ? alert.get(ResultItem.MEAN).asDouble() : null;
        }
        return new Alert(messageId, sentAt, envelope.subject(), envelope.message(), sensorId,
                parse(windowStart, Long::valueOf), parse(score, Double::valueOf), mean,
                envelope.attribute(AlertAttributes.SEVERITY));
    }

    private static <T> T parse(String text, java.util.function.Function<String, T> parser) {
        try {
            return text == null ? null : parser.apply(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static JsonNode tryJson(String text) {
        if (text == null || text.isBlank() || text.charAt(0) != '{') {
            return null;
        }
        try {
            return ReadingCodec.MAPPER.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }
}
