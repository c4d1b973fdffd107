package io.sensorpipe.cli.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorpipe.schema.ReadingCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads counts from the components' JSON report and metrics files; a missing file or field is UNKNOWN. */
public final class ReportFiles {
    private ReportFiles() {
    }

    public static JsonNode read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return ReadingCodec.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            return null; // half-written file; the next read sees the complete one
        }
    }

    /** The first of {@code fields} present in the file as a number, else {@link PipelineCounts#UNKNOWN}. */
    public static long count(Path file, String... fields) {
        JsonNode node = read(file);
        if (node == null) {
            return PipelineCounts.UNKNOWN;
        }
        for (String field : fields) {
            JsonNode v = node.get(field);
            if (v != null && v.isNumber()) {
                return v.asLong();
            }
        }
        return PipelineCounts.UNKNOWN;
    }
}
