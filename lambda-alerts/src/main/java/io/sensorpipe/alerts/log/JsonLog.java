package io.sensorpipe.alerts.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object per line on stdout: Lambda ships stdout to CloudWatch as is, so Logs Insights can query the
 * fields ({@code level}, {@code event}, {@code sensorId}, ...) without a logging framework in the cold start path.
 */
public final class JsonLog {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static volatile PrintStream out = System.out;

    private final String logger;

    private JsonLog(String logger) {
        this.logger = logger;
    }

    public static JsonLog forClass(Class<?> type) {
        return new JsonLog(type.getSimpleName());
    }

    /** Redirects all JSON logs (the CLIs keep stdout for their own output). */
    public static void redirectTo(PrintStream stream) {
        out = stream;
    }

    public void info(String event, Object... keyValues) {
        write("INFO", event, keyValues);
    }

    public void warn(String event, Object... keyValues) {
        write("WARN", event, keyValues);
    }

    public void error(String event, Object... keyValues) {
        write("ERROR", event, keyValues);
    }

    private void write(String level, String event, Object... keyValues) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ts", Instant.now().toString());
        line.put("level", level);
        line.put("logger", logger);
        line.put("event", event);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            Object value = keyValues[i + 1];
            line.put(String.valueOf(keyValues[i]), value instanceof Throwable t ? describe(t) : value);
        }
        String json;
        try {
            json = MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            json = "{\"level\":\"ERROR\",\"event\":\"log_serialization_failed\",\"message\":\"" + e.getOriginalMessage() + "\"}";
        }
        out.println(json);
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
