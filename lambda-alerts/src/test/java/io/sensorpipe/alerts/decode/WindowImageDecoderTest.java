package io.sensorpipe.alerts.decode;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.sensorpipe.schema.WindowResult;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WindowImageDecoderTest {

    private static Map<String, AttributeValue> image(int record) {
        DynamodbEvent event = EventLoader.loadDynamoDbEvent("events/results-stream-batch.json");
        return new HashMap<>(event.getRecords().get(record).getDynamodb().getNewImage());
    }

    @Test
    void decodesEveryResultItemAttribute() throws Exception {
        WindowResult window = WindowImageDecoder.decode(image(0));

        assertThat(window).isEqualTo(new WindowResult("site-a/pump-7/temperature", 1764072000000L, 1764072060000L,
                12, 70.1, 80.25, 73.96, 8.5, 1764072000123L, 1764072059877L, 0.93, 0.81, true, 60.0, "trcf-v1",
                1764072061000L, "temperature", "site-a", "C", 55.0, 65.0, "FOREST_LIKELIHOOD", null));
    }

    @Test
    void absentOptionalAttributesDefault() throws Exception {
        WindowResult window = WindowImageDecoder.decode(image(1));

        assertThat(window.expected()).isNull();
        assertThat(window.expectedLow()).isNull();
        assertThat(window.detector()).isNull();
        assertThat(window.unscoredReason()).isNull();
        assertThat(window.variance()).isZero();
        assertThat(window.anomaly()).isFalse();
    }

    @Test
    void wrongTypeIsRejectedNamingTheAttribute() {
        assertThatThrownBy(() -> WindowImageDecoder.decode(image(2)))
                .isInstanceOf(MalformedImageException.class)
                .hasMessageContaining("anomalyScore")
                .satisfies(e -> assertThat(((MalformedImageException) e).attribute()).isEqualTo("anomalyScore"));
    }

    @Test
    void missingRequiredAttributeIsRejectedNamingIt() {
        Map<String, AttributeValue> image = image(0);
        image.remove("mean");

        assertThatThrownBy(() -> WindowImageDecoder.decode(image)).hasMessageContaining("'mean'");
    }

    @Test
    void unparsableNumberScoreOutOfRangeAndBackwardsWindowAreRejected() {
        Map<String, AttributeValue> badNumber = image(0);
        badNumber.put("count", new AttributeValue().withN("twelve"));
        Map<String, AttributeValue> badScore = image(0);
        badScore.put("anomalyScore", new AttributeValue().withN("1.5"));
        Map<String, AttributeValue> backwards = image(0);
        backwards.put("windowEnd", new AttributeValue().withN("1764071000000"));

        assertThatThrownBy(() -> WindowImageDecoder.decode(badNumber)).hasMessageContaining("'count'");
        assertThatThrownBy(() -> WindowImageDecoder.decode(badScore)).hasMessageContaining("'anomalyScore'");
        assertThatThrownBy(() -> WindowImageDecoder.decode(backwards)).hasMessageContaining("'windowEnd'");
    }

    @Test
    void missingImageIsReportedAsAStreamViewProblem() {
        assertThatThrownBy(() -> WindowImageDecoder.decode(null)).hasMessageContaining("NEW_IMAGE");
    }
}
