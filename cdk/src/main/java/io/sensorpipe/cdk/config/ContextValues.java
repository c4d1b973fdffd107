package io.sensorpipe.cdk.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Context values come as strings from {@code -c key=value} and as JSON types from {@code cdk.json}: accept both,
 * and name the key when a value does not parse.
 */
final class ContextValues {
    private final Function<String, Object> context;

    ContextValues(Function<String, Object> context) {
        this.context = context;
    }

    String string(String key, String fallback) {
        Object value = context.apply(key);
        return value == null ? fallback : value.toString().trim();
    }

    int integer(String key, int fallback, int min, int max) {
        Object value = context.apply(key);
        if (value == null) {
            return fallback;
        }
        int parsed;
        try {
            parsed = value instanceof Number n ? n.intValue() : Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("context '" + key + "' must be an integer, got '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException("context '" + key + "' must be in [" + min + ", " + max + "], got " + parsed);
        }
        return parsed;
    }

    boolean bool(String key, boolean fallback) {
        Object value = context.apply(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException("context '" + key + "' must be true or false, got '" + value + "'");
    }

    <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
        Object value = context.apply(key);
        if (value == null) {
            return fallback;
        }
        String wanted = value.toString().trim();
        for (E option : type.getEnumConstants()) {
            if (StackConfig.spelling(option).equalsIgnoreCase(wanted) || option.name().equalsIgnoreCase(wanted)) {
                return option;
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants()).map(StackConfig::spelling).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("context '" + key + "' must be one of " + allowed + ", got '" + value + "'");
    }
}
