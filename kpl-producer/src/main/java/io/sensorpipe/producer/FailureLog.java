package io.sensorpipe.producer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.ReadingCodec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The local dead-letter target: one JSON line per record given up on, with the reason and attempt count, so a
 * failed record can be re-sent later and is never lost silently. The file is created on the first failure only.
 */
public final class FailureLog implements AutoCloseable {
    private final Path file;
    private BufferedWriter out;
    private long count;

    public FailureLog(Path file) {
        this.file = file;
    }

    public synchronized void record(Reading reading, int attempts, String reason) {
        ObjectNode line = ReadingCodec.MAPPER.createObjectNode();
        line.put("failedAt", Instant.now().toString());
        line.put("attempts", attempts);
        line.put("reason", reason);
        line.set("reading", ReadingCodec.MAPPER.valueToTree(reading));
        try {
            if (out == null) {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            out.write(ReadingCodec.toJson(line));
            out.newLine();
            out.flush(); // a crash right after must not lose the line
            count++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write failure file " + file, e);
        }
    }

    public synchronized long count() {
        return count;
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out = null;
        }
    }
}
