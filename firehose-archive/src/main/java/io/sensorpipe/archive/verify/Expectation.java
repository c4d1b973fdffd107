package io.sensorpipe.archive.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.sensorpipe.archive.layout.GzipLines;
import io.sensorpipe.schema.ParseResult;
import io.sensorpipe.schema.ReadingCodec;
import io.sensorpipe.schema.ReadingParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What the archive should hold: per hour and sensor (a ground-truth readings file) or only a total (the producer's
 * JSON report, whose {@code acknowledged} records reached the stream, or a plain count).
 */
public sealed interface Expectation {
    String source();

    /**
     * Exact counts per hour/sensor of the readings with event time in [from, to) (null = unbounded) from a
     * newline-delimited readings file (plain or .gz).
     */
    record PerHourAndSensor(String source, HourSensorCounts counts) implements Expectation {
    }

    /** Only a total. */
    record Total(String source, long count) implements Expectation {
    }

    static PerHourAndSensor fromReadingsFile(Path file, Instant from, Instant to) throws IOException {
        requireReadable("--expected-readings", file);
        ReadingParser parser = ReadingParser.withoutTimeBounds();
        HourSensorCounts counts = new HourSensorCounts();
        int[] lineNo = {0};
        java.util.function.Consumer<String> onLine = line -> {
            lineNo[0]++;
            ParseResult p = parser.parse(line.getBytes(StandardCharsets.UTF_8));
            if (p.isValid() && (from == null || p.reading().ts() >= from.toEpochMilli())
                    && (to == null || p.reading().ts() < to.toEpochMilli())) {
                counts.add(p.reading());
            }
            // malformed ground-truth lines are not expected in the archive's data prefix: skip them
        };
        if (file.toString().endsWith(".gz")) {
            try (InputStream in = Files.newInputStream(file)) {
                GzipLines.forEachLine(in, onLine);
            } catch (java.util.zip.ZipException e) {
                throw new IllegalArgumentException("--expected-readings " + file + " ends in .gz but is not gzip ("
                        + e.getMessage() + "): compress it with gzip or drop the .gz suffix");
            }
        } else {
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                r.lines().filter(l -> !l.isBlank()).forEach(onLine);
            }
        }
        return new PerHourAndSensor("readings file " + file, counts);
    }

    /** The producer's report: expects its {@code acknowledged} count (records Kinesis confirmed). */
    static Expectation fromProducerReport(Path file) throws IOException {
        requireReadable("--producer-report", file);
        JsonNode report;
        try {
            report = ReadingCodec.MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("producer report " + file + " is not JSON (" + e.getOriginalMessage()
                    + "): pass the file scripts/produce --report-file wrote");
        }
        JsonNode acknowledged = report == null ? null : report.get("acknowledged");
        if (acknowledged == null || !acknowledged.canConvertToLong()) {
            throw new IllegalArgumentException("producer report " + file + " has no numeric 'acknowledged' field");
        }
        return new Total("producer report " + file + " (acknowledged)", acknowledged.asLong());
    }

    /** A missing or unreadable input file is a usage error, said in one line (not an I/O trace). */
    private static void requireReadable(String flag, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(flag + " " + file + (Files.exists(file) ? " is not a file" : " does not exist"));
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(flag + " " + file + " is not readable");
        }
    }

    static Expectation ofCount(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("expected count must be >= 0, got " + count);
        }
        return new Total("count", count);
    }
}
