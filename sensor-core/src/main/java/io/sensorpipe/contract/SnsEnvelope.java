package io.sensorpipe.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An SNS message as it arrives on a subscribed SQS queue: by default wrapped in SNS's JSON envelope
 * ({@code Type: Notification}, {@code Message}, {@code MessageAttributes: {name: {Type, Value}}}); with raw message
 * delivery the bare body, the SNS attributes then being SQS message attributes. The one parser of both forms.
 *
 * @param subject    SNS subject, or null (raw delivery, or none)
 * @param message    the published message text
 * @param attributes message attribute name to value (see {@link AlertAttributes})
 * @param timestamp  when SNS accepted it (ISO-8601), or null
 * @param messageId  SNS message id, or null with raw delivery
 * @param wrapped    whether the body was an SNS envelope
 */
public record SnsEnvelope(String subject, String message, Map<String, String> attributes, String timestamp,
                          String messageId, boolean wrapped) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public SnsEnvelope {
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes)); // keeps the order
    }

    /**
     * Parses an SQS body.
     *
     * @param sqsAttributes the SQS message's own string attributes (used with raw delivery), may be empty
     */
    public static SnsEnvelope parse(String sqsBody, Map<String, String> sqsAttributes) {
        JsonNode envelope = jsonObjectOrNull(sqsBody);
        if (envelope != null && "Notification".equals(envelope.path("Type").asText()) && envelope.has("Message")) {
            Map<String, String> attributes = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = envelope.path("MessageAttributes").fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue().get("Value");
                if (value != null && !value.isNull()) {
                    attributes.put(field.getKey(), value.asText());
                }
            }
            return new SnsEnvelope(text(envelope, "Subject"), envelope.path("Message").asText(), attributes,
                    text(envelope, "Timestamp"), text(envelope, "MessageId"), true);
        }
        return new SnsEnvelope(null, sqsBody == null ? "" : sqsBody,
                sqsAttributes == null ? Map.of() : sqsAttributes, null, null, false);
    }

    /** The attribute's value, or null. */
    public String attribute(String name) {
        return attributes.get(name);
    }

    private static JsonNode jsonObjectOrNull(String raw) {
        if (raw == null || !raw.trim().startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(raw);
            return node != null && node.isObject() ? node : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
