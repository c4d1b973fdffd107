package io.sensorpipe.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorpipe.schema.ResultItem;
import io.sensorpipe.schema.WindowResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ResultItemValuesTest {
    private static final long START = 1_764_072_000_000L;
    private static final WindowResult ANOMALY = new WindowResult("site-a/pump-7/temperature", START, START + 60_000,
            12, 10.5, 30.25, 20.0, 4.5, START + 1, START + 59_000, 0.93, 0.8, true, 12.5, "trcf-v1", START + 61_000,
            "temperature", "site-a", "C");

    @Test
    void writesDynamoDbTypesAndReadsThemBack() {
        Map<String, AttributeValue> item = ResultItemValues.toItem(ANOMALY, Duration.ofDays(7));
        assertThat(item.get(ResultItem.SENSOR_ID)).isEqualTo(AttributeValue.fromS("site-a/pump-7/temperature"));
        assertThat(item.get(ResultItem.WINDOW_START)).isEqualTo(AttributeValue.fromN(Long.toString(START)));
        assertThat(item.get(ResultItem.MEAN)).isEqualTo(AttributeValue.fromN("20.0"));
        assertThat(item.get(ResultItem.ANOMALY)).isEqualTo(AttributeValue.fromBool(true));
        assertThat(item.get(ResultItem.ANOMALY_DAY)).isEqualTo(AttributeValue.fromS("2025-11-25"));
        assertThat(item.get(ResultItem.TTL))
                .isEqualTo(AttributeValue.fromN(Long.toString((START + 61_000) / 1000 + 7 * 86_400)));
        assertThat(ResultItemValues.fromItem(item)).isEqualTo(ANOMALY);
    }

    @Test
    void aNumberTooCloseToZeroForDynamoDbIsSentAsZero() {
        WindowResult tiny = new WindowResult("s", START, START + 60_000, 1, 1e-200, 1e-200, 1e-200, 0, START, START,
                0, 0, false, null, "m", START, "t", "x", "u");
        Map<String, AttributeValue> item = ResultItemValues.toItem(tiny, Duration.ofDays(7));
        assertThat(item.get(ResultItem.MEAN)).isEqualTo(AttributeValue.fromN("0.0"));
        assertThat(ResultItemValues.toItem(new WindowResult("s", START, START + 60_000, 1, 1e-130, 1e-130, 1e-130, 0,
                START, START, 0, 0, false, null, "m", START, "t", "x", "u"), Duration.ofDays(7)).get(ResultItem.MEAN))
                .as("DynamoDB's smallest magnitude, as sent").isEqualTo(AttributeValue.fromN("1.0E-130"));
    }

    @Test
    void aStringWhereANumberBelongsIsAnErrorNamingTheAttribute() {
        Map<String, AttributeValue> item = new HashMap<>(ResultItemValues.toItem(ANOMALY, Duration.ofDays(7)));
        item.put(ResultItem.WINDOW_START, AttributeValue.fromS("x"));
        assertThatThrownBy(() -> ResultItemValues.fromItem(item)).isInstanceOf(ResultItem.MalformedItemException.class)
                .hasMessageStartingWith("windowStart: must be a number");
        item.put(ResultItem.WINDOW_START, AttributeValue.fromN(Long.toString(START)));
        item.put(ResultItem.SITE, AttributeValue.fromN("3"));
        assertThatThrownBy(() -> ResultItemValues.fromItem(item)).hasMessageStartingWith("site: must be a string");
    }
}
