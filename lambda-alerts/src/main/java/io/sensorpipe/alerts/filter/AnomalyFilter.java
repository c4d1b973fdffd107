package io.sensorpipe.alerts.filter;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The event-source filter that lets only anomalous windows invoke the alert Lambda: inserts and updates whose new
 * image has {@code anomaly = true}. One source of truth, the resource {@value #RESOURCE}: CDK puts
 * {@link #PATTERN_JSON} (or {@link #asMap()}) into the event source mapping's FilterCriteria, and the local runner
 * applies the same pattern with {@link EventFilterPattern}.
 */
public final class AnomalyFilter {
    public static final String RESOURCE = "/io/sensorpipe/alerts/anomaly-filter-pattern.json";

    /** The pattern as compact JSON, exactly as Lambda's {@code FilterCriteria.Filters[].Pattern} expects it. */
    public static final String PATTERN_JSON;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        try (InputStream in = AnomalyFilter.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("filter pattern resource missing: " + RESOURCE);
            }
            PATTERN_JSON = MAPPER.writeValueAsString(MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    private AnomalyFilter() {
    }

    /** The pattern as nested maps/lists, for CDK's {@code FilterCriteria.filter(Map)}. */
    public static Map<String, Object> asMap() {
        try {
            return MAPPER.readValue(PATTERN_JSON, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static EventFilterPattern pattern() {
        return EventFilterPattern.parse(PATTERN_JSON);
    }

    /** Whether Lambda would deliver a record (in its event JSON form) through this filter. */
    public static boolean matches(JsonNode recordJson) {
        return pattern().matches(recordJson);
    }
}
