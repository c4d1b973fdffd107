package io.sensorpipe.cli.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorpipe.schema.ReadingCodec;
import java.time.Instant;

/**
 * One alert as it arrived on the SQS subscription: SNS wraps the alert Lambda's message in an envelope
 * (unless raw delivery is on); both forms are read. The alert body is kept as text; sensor, window, score and
 * severity come from the SNS message attributes the alert Lambda sets, or from the body when it is JSON.
 */
public record Alert(String messageId, long sentAt, String subject, String message, String sensorId,
                    Long windowStart, Double anomalyScore, Double mean, String severity) {

    /** Parses an SQS body; {@code sqsSentAt} is the queue's SentTimestamp, used when SNS gives none. */
    public static Alert fromSqsBody(String messageId, String body, long sqsSentAt) {
        String subject = null;
        String message = body;
        long sentAt = sqsSentAt;
        JsonNode envelope = tryJson(body);
        JsonNode attributes = null;
        if (envelope != null && envelope.has("Type") && envelope.has("Message")) {
            attributes = envelope.get("MessageAttributes");
            message = envelope.get("Message").asText();
            subject = envelope.hasNonNull("Subject") ? envelope.get("Subject").asText() : null;
            if (envelope.hasNonNull("Timestamp")) {
                try {
                    sentAt = Instant.parse(envelope.get("Timestamp").asText()).toEpochMilli();
                } catch (RuntimeException ignored) {
                    // keep the queue's timestamp
                }
            }
        }
        JsonNode alert = tryJson(message);
        String sensorId = attribute(attributes, "sensorId");
        String windowStart = attribute(attributes, "windowStart");
        String score = attribute(attributes, "score");
        String severity = attribute(attributes, "severity");
        Double mean = null;
        if (alert != null && alert.isObject()) {
            sensorId = alert.hasNonNull("sensorId") ? alert.get("sensorId").asText() : sensorId;
            windowStart = alert.hasNonNull("windowStart") ? alert.get("windowStart").asText() : windowStart;
            score = alert.hasNonNull("anomalyScore") ? alert.get("anomalyScore").asText() : score;
            mean = alert.hasNonNull("mean") ? alert.get("mean").asDouble() : null;
        }
        return new Alert(messageId, sentAt, subject, message, sensorId, parse(windowStart, Long::valueOf),
                parse(score, Double::valueOf), mean, severity);
    }

    private static String attribute(JsonNode attributes, String name) {
        if (attributes == null || !attributes.has(name)) {
            return null;
        }
        JsonNode value = attributes.get(name).get("Value");
        return value == null || value.isNull() ? null : value.asText();
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
