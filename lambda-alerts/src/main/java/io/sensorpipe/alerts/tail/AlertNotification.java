package io.sensorpipe.alerts.tail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An alert as it arrives on the subscribed SQS queue: either wrapped in SNS's JSON envelope (the default) or, with
 * raw message delivery, the bare body with the SNS attributes as SQS message attributes.
 *
 * @param subject     SNS subject (null with raw delivery)
 * @param body        the alert text
 * @param attributes  sensorId, severity, score, ...
 * @param timestamp   when SNS accepted it (ISO-8601), or null
 * @param messageId   SNS message id, or the SQS one with raw delivery
 */
public record AlertNotification(String subject, String body, Map<String, String> attributes, String timestamp,
                                String messageId) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static AlertNotification fromSqs(Message message) {
        String raw = message.body();
        JsonNode envelope = parseOrNull(raw);
        if (envelope != null && envelope.isObject() && "Notification".equals(envelope.path("Type").asText())) {
            Map<String, String> attributes = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = envelope.path("MessageAttributes").fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                attributes.put(field.getKey(), field.getValue().path("Value").asText());
            }
            return new AlertNotification(textOrNull(envelope, "Subject"), envelope.path("Message").asText(),
                    attributes, textOrNull(envelope, "Timestamp"), textOrNull(envelope, "MessageId"));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        if (message.hasMessageAttributes()) {
            for (Map.Entry<String, MessageAttributeValue> attribute : message.messageAttributes().entrySet()) {
                attributes.put(attribute.getKey(), attribute.getValue().stringValue());
            }
        }
        return new AlertNotification(null, raw, attributes, null, message.messageId());
    }

    /** A readable block: one header line (time, severity, sensor, score), the subject, the indented body. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("=== ").append(timestamp == null ? "-" : timestamp)
                .append("  [").append(attributes.getOrDefault("severity", "?")).append("]  ")
                .append(attributes.getOrDefault("sensorId", "?"))
                .append("  score ").append(attributes.getOrDefault("score", "?")).append('\n');
        if (subject != null) {
            out.append(subject).append('\n');
        }
        for (String line : body.strip().split("\n", -1)) {
            out.append("    ").append(line).append('\n');
        }
        return out.toString();
    }

    private static JsonNode parseOrNull(String raw) {
        if (raw == null || !raw.trim().startsWith("{")) {
            return null;
        }
        try {
            return MAPPER.readTree(raw);
        } catch (IOException notJson) {
            return null;
        }
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
