package io.sensorpipe.alerts.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventFilterPatternTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static boolean matches(String pattern, String event) throws Exception {
        JsonNode json = MAPPER.readTree(event);
        return EventFilterPattern.parse(pattern).matches(json);
    }

    @Test
    void exactValuesMustMatchByTypeAndAnyAlternativeSuffices() throws Exception {
        assertThat(matches("{\"a\":[true]}", "{\"a\":true}")).isTrue();
        assertThat(matches("{\"a\":[true]}", "{\"a\":\"true\"}")).as("string is not a boolean").isFalse();
        assertThat(matches("{\"a\":[\"x\",\"y\"]}", "{\"a\":\"y\"}")).isTrue();
        assertThat(matches("{\"a\":[1]}", "{\"a\":1.0}")).isTrue();
        assertThat(matches("{\"a\":[null]}", "{\"a\":null}")).isTrue();
    }

    @Test
    void allKeysMustMatchAndMissingFieldsFail() throws Exception {
        assertThat(matches("{\"a\":[1],\"b\":{\"c\":[\"x\"]}}", "{\"a\":1,\"b\":{\"c\":\"x\"}}")).isTrue();
        assertThat(matches("{\"a\":[1],\"b\":{\"c\":[\"x\"]}}", "{\"a\":1,\"b\":{\"c\":\"z\"}}")).isFalse();
        assertThat(matches("{\"a\":[1],\"b\":{\"c\":[\"x\"]}}", "{\"a\":1}")).isFalse();
    }

    @Test
    void arrayFieldsMatchWhenAnyElementMatches() throws Exception {
        assertThat(matches("{\"tags\":[\"red\"]}", "{\"tags\":[\"blue\",\"red\"]}")).isTrue();
        assertThat(matches("{\"tags\":[\"red\"]}", "{\"tags\":[\"blue\"]}")).isFalse();
    }

    @Test
    void contentOperatorsBehaveLikeLambdaFiltering() throws Exception {
        assertThat(matches("{\"a\":[{\"exists\":true}]}", "{\"a\":0}")).isTrue();
        assertThat(matches("{\"a\":[{\"exists\":false}]}", "{\"b\":0}")).isTrue();
        assertThat(matches("{\"a\":[{\"exists\":false}]}", "{\"a\":0}")).isFalse();
        assertThat(matches("{\"s\":[{\"prefix\":\"site-a/\"}]}", "{\"s\":\"site-a/pump\"}")).isTrue();
        assertThat(matches("{\"s\":[{\"suffix\":\"/temp\"}]}", "{\"s\":\"site-a/temp\"}")).isTrue();
        assertThat(matches("{\"s\":[{\"equals-ignore-case\":\"INSERT\"}]}", "{\"s\":\"insert\"}")).isTrue();
        assertThat(matches("{\"s\":[{\"anything-but\":[\"REMOVE\"]}]}", "{\"s\":\"INSERT\"}")).isTrue();
        assertThat(matches("{\"s\":[{\"anything-but\":\"REMOVE\"}]}", "{\"s\":\"REMOVE\"}")).isFalse();
        assertThat(matches("{\"n\":[{\"numeric\":[\">\",0.5,\"<=\",1]}]}", "{\"n\":0.7}")).isTrue();
        assertThat(matches("{\"n\":[{\"numeric\":[\">\",0.5]}]}", "{\"n\":0.5}")).isFalse();
        assertThat(matches("{\"n\":[{\"numeric\":[\">\",0.5]}]}", "{\"n\":\"0.7\"}")).as("DynamoDB N is a string").isFalse();
    }

    @Test
    void malformedPatternsAreRejected() {
        assertThatThrownBy(() -> EventFilterPattern.parse("[1]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> matches("{\"a\":true}", "{\"a\":true}")).hasMessageContaining("'a'");
        assertThatThrownBy(() -> matches("{\"a\":[{\"wildcard\":\"x*\"}]}", "{\"a\":\"x\"}")).hasMessageContaining("unsupported");
    }
}
