package io.sensorpipe.alerts.tail;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AlertNotificationTest {

    @Test
    void snsEnvelopeIsUnwrappedAndRenderedReadably() {
        String envelope = """
                {"Type":"Notification","MessageId":"m-1","TopicArn":"arn:aws:sns:us-east-1:000000000000:alerts",
                 "Subject":"[HIGH] anomaly s1: 5 C","Message":"Anomalous window for sensor s1\\n\\nScore: 0.8",
                 "Timestamp":"2026-11-25T12:00:01.000Z",
                 "MessageAttributes":{"sensorId":{"Type":"String","Value":"s1"},
                                      "severity":{"Type":"String","Value":"HIGH"},
                                      "score":{"Type":"Number","Value":"0.800"}}}
                """;

        AlertNotification notification = AlertNotification.fromSqs(Message.builder().body(envelope).messageId("q-1").build());

        assertThat(notification.messageId()).isEqualTo("m-1");
        assertThat(notification.attributes()).containsEntry("sensorId", "s1").containsEntry("score", "0.800");
        assertThat(notification.render()).isEqualTo("""
                === 2026-11-25T12:00:01.000Z  [HIGH]  s1  score 0.800
                [HIGH] anomaly s1: 5 C
                    Anomalous window for sensor s1
                   \s
                    Score: 0.8
                """);
    }

    @Test
    void rawDeliveryUsesTheQueueMessageAttributes() {
        Message message = Message.builder().messageId("q-2").body("Anomalous window for sensor s2")
                .messageAttributes(Map.of("severity", MessageAttributeValue.builder().dataType("String").stringValue("LOW").build(),
                        "sensorId", MessageAttributeValue.builder().dataType("String").stringValue("s2").build()))
                .build();

        AlertNotification notification = AlertNotification.fromSqs(message);

        assertThat(notification.subject()).isNull();
        assertThat(notification.render()).startsWith("=== -  [LOW]  s2  score ?\n    Anomalous window for sensor s2\n");
    }
}
