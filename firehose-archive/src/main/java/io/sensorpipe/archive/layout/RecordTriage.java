package io.sensorpipe.archive.layout;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorpipe.schema.ParseResult;
import io.sensorpipe.schema.ReadingCodec;
import io.sensorpipe.schema.ReadingParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Decides what the archive does with one (de-aggregated) stream record: a valid reading is archived as its raw bytes
 * plus a newline; anything else goes to the error prefix with the parser's reason. Used by the Firehose Lambda
 * and by the local bridge, so both archive exactly the same way.
 *
 * <p>Event-time bounds are not checked: the archive keeps every well-formed reading; lateness is the streaming
 * job's policy, not the archive's.
 */
public final class RecordTriage {
    private final ReadingParser parser = ReadingParser.withoutTimeBounds();

    /** Outcome: {@code archiveLine} (newline-terminated) when accepted, else {@code rejectMessage}. */
    public record Outcome(byte[] archiveLine, String rejectMessage) {
        public boolean accepted() {
            return archiveLine != null;
        }
    }

    public Outcome triage(byte[] raw) {
        ParseResult result = parser.parse(raw);
        if (!result.isValid()) {
            return new Outcome(null, result.reason() + ": " + result.message());
        }
        return new Outcome(toLine(raw), null);
    }

    /** Raw bytes without trailing whitespace, plus one newline; compacted if the JSON itself spans lines. */
    static byte[] toLine(byte[] raw) {
        int end = raw.length;
        while (end > 0 && (raw[end - 1] == '\n' || raw[end - 1] == '\r' || raw[end - 1] == ' ' || raw[end - 1] == '\t')) {
            end--;
        }
        byte[] body = Arrays.copyOf(raw, end);
        for (byte b : body) {
            if (b == '\n' || b == '\r') {
                body = compact(body);
                break;
            }
        }
        byte[] line = Arrays.copyOf(body, body.length + 1);
        line[body.length] = '\n';
        return line;
    }

    private static byte[] compact(byte[] json) {
        try {
            JsonNode tree = ReadingCodec.MAPPER.readTree(json);
            return ReadingCodec.MAPPER.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
