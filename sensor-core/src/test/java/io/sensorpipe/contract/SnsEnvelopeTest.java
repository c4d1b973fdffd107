package io.sensorpipe.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SnsEnvelopeTest {
    @Test
    void unwrapsTheSnsEnvelopeWithItsAttributes() {
        String body = """
                {"Type":"Notification","MessageId":"m-1","TopicArn":"arn:aws:sns:us-east-1:000000000000:t",
                 "Subject":"Anomaly on pump-7","Message":"line 1\\nline 2","Timestamp":"2026-01-01T00:00:00.000Z",
                 "MessageAttributes":{"sensorId":{"Type":"String","Value":"site-a/pump-7"},
                                      "score":{"Type":"Number","Value":"0.93"}}}""";
        SnsEnvelope e = SnsEnvelope.parse(body, Map.of());
        assertThat(e.wrapped()).isTrue();
        assertThat(e.subject()).isEqualTo("Anomaly on pump-7");
        assertThat(e.message()).isEqualTo("line 1\nline 2");
        assertThat(e.attribute(AlertAttributes.SENSOR_ID)).isEqualTo("site-a/pump-7");
        assertThat(e.attribute(AlertAttributes.SCORE)).isEqualTo("0.93");
        assertThat(e.timestamp()).isEqualTo("2026-01-01T00:00:00.000Z");
        assertThat(e.messageId()).isEqualTo("m-1");
    }

    @Test
    void rawDeliveryKeepsTheBodyAndTakesTheSqsAttributes() {
        SnsEnvelope e = SnsEnvelope.parse("{\"sensorId\":\"x\"}", Map.of(AlertAttributes.SEVERITY, "HIGH"));
        assertThat(e.wrapped()).isFalse();
        assertThat(e.message()).isEqualTo("{\"sensorId\":\"x\"}");
        assertThat(e.attribute(AlertAttributes.SEVERITY)).isEqualTo("HIGH");
        assertThat(SnsEnvelope.parse("not json {", null).message()).isEqualTo("not json {");
    }
}
