package io.sensorpipe.cli.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorpipe.schema.ReadingCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The alert handler's outcomes, counted from its structured JSON log events ({@code alert_sent},
 * {@code alert_suppressed} with a reason). The runner writes its report file only when its run time ends, so
 * these events are how the pipeline sees the alerts live and knows when the runner has caught up.
 */
public record AlertLogCounts(long sent, long suppressedCooldown, long suppressedDuplicate) {

    public static final AlertLogCounts NONE = new AlertLogCounts(0, 0, 0);

    /** Anomalous windows the runner has handled one way or the other. */
    public long handled() {
        return sent + suppressedCooldown + suppressedDuplicate;
    }

    public static AlertLogCounts fromLog(Path log) {
        if (log == null || !Files.isRegularFile(log)) {
            return NONE;
        }
        try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            return fromLines(reader.lines().toList());
        } catch (IOException | java.io.UncheckedIOException e) {
            return NONE;
        }
    }

    static AlertLogCounts fromLines(List<String> lines) {
        long sent = 0;
        long cooldown = 0;
        long duplicate = 0;
        for (String line : lines) {
            if (!line.startsWith("{") || !line.contains("\"event\":\"alert_")) {
                continue;
            }
            JsonNode event;
            try {
                event = ReadingCodec.MAPPER.readTree(line);
            } catch (IOException e) {
                continue; // a line cut off mid-write
            }
            String name = event.path("event").asText();
            if (name.equals("alert_sent")) {
                sent++;
            } else if (name.equals("alert_suppressed")) {
                String reason = event.path("reason").asText();
                if (reason.equals("cooldown")) {
                    cooldown++;
                } else if (reason.equals("duplicate")) {
                    duplicate++;
                }
            }
        }
        return new AlertLogCounts(sent, cooldown, duplicate);
    }
}
