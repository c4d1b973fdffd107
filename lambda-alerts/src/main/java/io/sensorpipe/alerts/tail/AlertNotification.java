package io.sensorpipe.alerts.tail;

import io.sensorpipe.contract.AlertAttributes;
import io.sensorpipe.contract.SnsEnvelope;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An alert as it arrives on the subscribed SQS queue: either wrapped in SNS's JSON envelope (the default) or, with
 * raw message delivery, the bare body with the SNS attributes as SQS message attributes (both read by the shared
 * {@link SnsEnvelope}).
 *
 * @param subject     SNS subject (null with raw delivery)
 * @param body        the alert text
 * @param attributes  sensorId, severity, score, ...
 * @param timestamp   when SNS accepted it (ISO-8601), or null
 * @param messageId   SNS message id, or the SQS one with raw delivery
 */
public record AlertNotification(String subject, String body, Map<String, String> attributes, String timestamp,
                                String messageId) {
    public static AlertNotification fromSqs(Message message) {
        Map<String, String> sqsAttributes = new LinkedHashMap<>();
        if (message.hasMessageAttributes()) {
            message.messageAttributes().forEach((name, value) -> sqsAttributes.put(name, value.stringValue()));
        }
        SnsEnvelope envelope = SnsEnvelope.parse(message.body(), sqsAttributes);
        return new AlertNotification(envelope.subject(), envelope.message(), envelope.attributes(),
                envelope.timestamp(), envelope.wrapped() ? envelope.messageId() : message.messageId());
    }

    /** A readable block: one header line (time, severity, sensor, score), the subject, the indented body. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("=== ").append(timestamp == null ? "-" : timestamp)
                .append("  [").append(attributes.getOrDefault(AlertAttributes.SEVERITY, "?")).append("]  ")
                .append(attributes.getOrDefault(AlertAttributes.SENSOR_ID, "?"))
                .append("  score ").append(attributes.getOrDefault(AlertAttributes.SCORE, "?")).append('\n');
        if (subject != null) {
            out.append(subject).append('\n');
        }
        for (String line : body.strip().split("\n", -1)) {
            out.append("    ").append(line).append('\n');
        }
        return out.toString();
    }
}
