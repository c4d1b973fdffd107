package io.sensorpipe.cli.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AlertTest {
    @Test
    void snsEnvelopeIsUnwrappedAndItsTimestampUsed() {
        String body = """
                {"Type":"Notification","MessageId":"m1","Subject":"anomaly","Timestamp":"2025-11-25T12:01:02.500Z",
                 "Message":"{\\"sensorId\\":\\"site-a/pump-7/temperature\\",\\"windowStart\\":1764072000000,\\"anomalyScore\\":0.91,\\"mean\\":101.2}"}""";
        Alert a = Alert.fromSqsBody("sqs-1", body, 5L);
        assertThat(a.sensorId()).isEqualTo("site-a/pump-7/temperature");
        assertThat(a.windowStart()).isEqualTo(1764072000000L);
        assertThat(a.anomalyScore()).isEqualTo(0.91);
        assertThat(a.mean()).isEqualTo(101.2);
        assertThat(a.subject()).isEqualTo("anomaly");
        assertThat(a.sentAt()).isEqualTo(1764072062500L);
    }

    @Test
    void alertLambdaTextMessageTakesSensorWindowScoreAndSeverityFromSnsAttributes() {
        String body = """
                {"Type":"Notification","MessageId":"m2","Subject":"[HIGH] anomaly site-a/pump-7/temperature: 101.2 C",
                 "Message":"Anomalous window for sensor site-a/pump-7/temperature","Timestamp":"2025-11-25T12:01:02Z",
                 "MessageAttributes":{"sensorId":{"Type":"String","Value":"site-a/pump-7/temperature"},
                   "severity":{"Type":"String","Value":"HIGH"},"score":{"Type":"Number","Value":"0.912"},
                   "windowStart":{"Type":"Number","Value":"1764072000000"}}}""";
        Alert a = Alert.fromSqsBody("sqs-4", body, 0L);
        assertThat(a.sensorId()).isEqualTo("site-a/pump-7/temperature");
        assertThat(a.severity()).isEqualTo("HIGH");
        assertThat(a.anomalyScore()).isEqualTo(0.912);
        assertThat(a.windowStart()).isEqualTo(1764072000000L);
        assertThat(a.mean()).isNull();
        assertThat(QueryCommand.AlertFormat.line(a)).contains("[HIGH]").contains("score 0.912");
    }

    @Test
    void rawDeliveryAndPlainTextBodiesAreKeptAsMessages() {
        Alert raw = Alert.fromSqsBody("sqs-2", "{\"sensorId\":\"x\"}", 7L);
        assertThat(raw.sensorId()).isEqualTo("x");
        assertThat(raw.sentAt()).isEqualTo(7L);
        Alert text = Alert.fromSqsBody("sqs-3", "pump 7 is hot", 9L);
        assertThat(text.sensorId()).isNull();
        assertThat(text.message()).isEqualTo("pump 7 is hot");
        assertThat(QueryCommand.AlertFormat.line(text)).endsWith("pump 7 is hot");
    }
}
