package io.sensorpipe.alerts.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Lambda event filtering (the EventBridge pattern syntax) evaluated locally, so the local runner drops exactly the
 * records the event source mapping would drop. Supported: nested objects (all keys must match), arrays of
 * alternatives (any may match), exact strings/numbers/booleans/null, {@code exists}, {@code prefix},
 * {@code suffix}, {@code equals-ignore-case}, {@code anything-but} and {@code numeric} comparisons. When the record's
 * field is an array, a match on any element counts, as in Lambda.
 */
public final class EventFilterPattern {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JsonNode pattern;

    private EventFilterPattern(JsonNode pattern) {
        if (!pattern.isObject()) {
            throw new IllegalArgumentException("a filter pattern must be a JSON object, got " + pattern);
        }
        this.pattern = pattern;
    }

    public static EventFilterPattern parse(String json) {
        try {
            return new EventFilterPattern(MAPPER.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException("invalid filter pattern: " + json, e);
        }
    }

    public boolean matches(JsonNode event) {
        return matchesObject(pattern, event);
    }

    private static boolean matchesObject(JsonNode patternObject, JsonNode event) {
        Iterator<Map.Entry<String, JsonNode>> fields = patternObject.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = event == null || !event.isObject() ? null : event.get(field.getKey());
            JsonNode rule = field.getValue();
            boolean ok;
            if (rule.isObject()) {
                ok = value != null && value.isObject() && matchesObject(rule, value);
            } else if (rule.isArray()) {
                ok = matchesAlternatives(rule, value);
            } else {
                throw new IllegalArgumentException("filter rule for '" + field.getKey() + "' must be an object or an array, got " + rule);
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesAlternatives(JsonNode alternatives, JsonNode value) {
        for (JsonNode alternative : alternatives) {
            if (alternative.isObject() && alternative.has("exists")) {
                boolean present = value != null && !value.isNull();
                if (alternative.get("exists").asBoolean() == present) {
                    return true;
                }
                continue;
            }
            if (value == null) {
                continue;
            }
            if (value.isArray()) {
                for (JsonNode element : value) {
                    if (matchesOne(alternative, element)) {
                        return true;
                    }
                }
            } else if (matchesOne(alternative, value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesOne(JsonNode alternative, JsonNode value) {
        if (!alternative.isObject()) {
            return equal(alternative, value);
        }
        if (alternative.has("prefix")) {
            return value.isTextual() && value.asText().startsWith(alternative.get("prefix").asText());
        }
        if (alternative.has("suffix")) {
            return value.isTextual() && value.asText().endsWith(alternative.get("suffix").asText());
        }
        if (alternative.has("equals-ignore-case")) {
            return value.isTextual() && value.asText().equalsIgnoreCase(alternative.get("equals-ignore-case").asText());
        }
        if (alternative.has("anything-but")) {
            JsonNode excluded = alternative.get("anything-but");
            if (excluded.isArray()) {
                for (JsonNode candidate : excluded) {
                    if (equal(candidate, value)) {
                        return false;
                    }
                }
                return true;
            }
            return !equal(excluded, value);
        }
        if (alternative.has("numeric")) {
            return value.isNumber() && numeric(alternative.get("numeric"), value.asDouble());
        }
        throw new IllegalArgumentException("unsupported filter operator: " + alternative);
    }

    private static boolean numeric(JsonNode comparisons, double actual) {
        for (int i = 0; i + 1 < comparisons.size(); i += 2) {
            String operator = comparisons.get(i).asText();
            double bound = comparisons.get(i + 1).asDouble();
            boolean ok = switch (operator) {
                case "=" -> actual == bound;
                case "<" -> actual < bound;
                case "<=" -> actual <= bound;
                case ">" -> actual > bound;
                case ">=" -> actual >= bound;
                default -> throw new IllegalArgumentException("unsupported numeric operator: " + operator);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean equal(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.asDouble() == actual.asDouble();
        }
        if (expected.isNull()) {
            return actual.isNull();
        }
        return expected.getNodeType() == actual.getNodeType() && expected.asText().equals(actual.asText());
    }
}
