package io.sensorpipe.alerts.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AnomalyFilterTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode fixtureRecord(int index) throws Exception {
        try (InputStream in = AnomalyFilterTest.class.getResourceAsStream("/events/results-stream-batch.json")) {
            return MAPPER.readTree(in).get("Records").get(index);
        }
    }

    @Test
    void patternLetsOnlyAnomalousInsertsAndUpdatesThrough() throws Exception {
        assertThat(AnomalyFilter.matches(fixtureRecord(0))).as("anomalous INSERT").isTrue();
        assertThat(AnomalyFilter.matches(fixtureRecord(1))).as("normal INSERT").isFalse();
        assertThat(AnomalyFilter.matches(fixtureRecord(2))).as("anomalous MODIFY, malformed score").isTrue();

        ObjectNode removed = (ObjectNode) fixtureRecord(0).deepCopy();
        removed.put("eventName", "REMOVE");
        assertThat(AnomalyFilter.matches(removed)).as("REMOVE").isFalse();

        ObjectNode keysOnly = (ObjectNode) fixtureRecord(0).deepCopy();
        ((ObjectNode) keysOnly.get("dynamodb")).remove("NewImage");
        assertThat(AnomalyFilter.matches(keysOnly)).as("no NewImage").isFalse();
    }

    @Test
    void constantMapAndResourceAreTheSamePattern() throws Exception {
        JsonNode resource;
        try (InputStream in = AnomalyFilter.class.getResourceAsStream(AnomalyFilter.RESOURCE)) {
            resource = MAPPER.readTree(in);
        }
        assertThat(MAPPER.readTree(AnomalyFilter.PATTERN_JSON)).isEqualTo(resource);
        assertThat(AnomalyFilter.asMap()).isEqualTo(Map.of(
                "eventName", List.of("INSERT", "MODIFY"),
                "dynamodb", Map.of("NewImage", Map.of("anomaly", Map.of("BOOL", List.of(true))))));
    }
}
