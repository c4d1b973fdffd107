package io.sensorpipe.schema;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.sensorpipe.contract.JobOptions;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Parses and validates raw records into {@link Reading}s. Every problem becomes a {@link ParseResult#reject}
 * whose message names the field, so bad input is dead-lettered with a reason instead of crashing a job.
 *
 * <p>Thread-safe; keep one per process.
 */
public final class ReadingParser {
    /** Readings are ~150 bytes; anything near Kinesis' 1 MiB record limit is not a reading. */
    public static final int MAX_RECORD_BYTES = 8 * 1024;
    public static final int MAX_ID_LENGTH = 256;
    /** Field of the Kinesis source's data-loss marker record; such a record is rejected as {@link RejectReason#DATA_LOSS}. */
    public static final String DATA_LOSS_MARKER_FIELD = "sensorpipeDataLoss";
    /**
     * The first bytes of a KPL aggregated record (the KPL's format). A record that starts with them reaches the parser
     * only when it could not be de-aggregated (checksum or body corrupt), and is rejected naming the KPL.
     */
    public static final byte[] KPL_AGGREGATE_MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    private final LongSupplier clockMillis;
    private final long maxPastMillis;
    private final long maxFutureMillis;

    /**
     * @param clockMillis  processing clock (System::currentTimeMillis in production, fixed in tests and backtests)
     * @param maxPast      oldest accepted event time relative to the clock (replays of archives need days to years)
     * @param maxFuture    newest accepted event time relative to the clock (sensor clock skew)
     */
    public ReadingParser(LongSupplier clockMillis, Duration maxPast, Duration maxFuture) {
        this.clockMillis = clockMillis;
        this.maxPastMillis = maxPast.toMillis();
        this.maxFutureMillis = maxFuture.toMillis();
    }

    /** Production defaults: accept event times from 400 days ago (archive replays) to 1 hour ahead (clock skew). */
    public static ReadingParser withDefaults() {
        return new ReadingParser(System::currentTimeMillis, Duration.ofDays(400), Duration.ofHours(1));
    }

    /** No time-range check: for backtests over historical files. */
    public static ReadingParser withoutTimeBounds() {
        return new ReadingParser(() -> 0L, Duration.ofMillis(Long.MAX_VALUE / 2), Duration.ofMillis(Long.MAX_VALUE / 2));
    }

    public ParseResult parse(byte[] raw) {
        if (raw == null || raw.length == 0) {
            return ParseResult.reject(RejectReason.MALFORMED_JSON, "empty record: send one reading as a JSON object");
        }
        if (raw.length > MAX_RECORD_BYTES) {
            return ParseResult.reject(RejectReason.OVERSIZED,
                    "record is " + raw.length + " bytes, limit " + MAX_RECORD_BYTES);
        }
        String encoding = notUtf8(raw);
        if (encoding != null) {
            return ParseResult.reject(RejectReason.MALFORMED_JSON, "record is not UTF-8 (looks like " + encoding
                    + "): encode readings as UTF-8 JSON");
        }
        if (startsWith(raw, KPL_AGGREGATE_MAGIC)) {
            return ParseResult.reject(RejectReason.MALFORMED_JSON, "a KPL aggregated record that could not be "
                    + "de-aggregated (its MD5 checksum does not match, its body is not the KPL's format, or it holds no "
                    + "records): it was corrupted after the KPL wrote it; re-send its readings");
        }
        int malformed = malformedUtf8(raw); // after the KPL check: its magic bytes are not UTF-8 either
        if (malformed >= 0) {
            return ParseResult.reject(RejectReason.MALFORMED_JSON, String.format(Locale.ROOT,
                    "record is not valid UTF-8 (byte 0x%02X at offset %d starts no valid sequence, e.g. a surrogate "
                            + "or overlong encoding): encode readings as UTF-8 JSON", raw[malformed] & 0xFF, malformed));
        }
        JsonNode node;
        try (JsonParser p = ReadingCodec.MAPPER.createParser(raw)) {
            node = ReadingCodec.MAPPER.readTree(p);
            if (node != null && p.nextToken() != null) {
                // Jackson stops after the first value: a second reading in the record would be lost silently.
                return ParseResult.reject(RejectReason.MALFORMED_JSON,
                        "more than one JSON value in the record: send one reading per record");
            }
        } catch (IOException e) {
            return ParseResult.reject(RejectReason.MALFORMED_JSON, "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            return ParseResult.reject(RejectReason.MALFORMED_JSON,
                    "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        return validate(node);
    }

    private ParseResult validate(JsonNode node) {
        if (node.hasNonNull(DATA_LOSS_MARKER_FIELD)) {
            return ParseResult.reject(RejectReason.DATA_LOSS, node.get(DATA_LOSS_MARKER_FIELD).asText());
        }
        JsonNode v = node.get("v");
        if (missing(v)) {
            return missingField("v");
        }
        if (!v.isIntegralNumber()) {
            return wrongType("v", "an integer", v);
        }
        if (!v.canConvertToInt() || v.asInt() != Reading.SCHEMA_VERSION) { // asInt() alone wraps 4294967297 to 1
            return ParseResult.reject(RejectReason.INVALID_VALUE,
                    "field 'v' is " + v.asText() + ", only schema version " + Reading.SCHEMA_VERSION + " is supported");
        }
        ParseResult bad;
        if ((bad = requireText(node, "sensorId", true)) != null) {
            return bad;
        }
        if ((bad = requireText(node, "type", true)) != null) {
            return bad;
        }
        if ((bad = requireText(node, "site", false)) != null) {
            return bad;
        }
        if ((bad = requireText(node, "unit", false)) != null) {
            return bad;
        }
        JsonNode ts = node.get("ts");
        if (missing(ts)) {
            return missingField("ts");
        }
        if (ts.isNumber() && !ts.canConvertToLong()) {
            return ParseResult.reject(RejectReason.INVALID_VALUE, "field 'ts' " + clip(ts.asText())
                    + " is beyond the range of epoch milliseconds");
        }
        if (ts.isFloatingPointNumber()) {
            return ParseResult.reject(RejectReason.WRONG_TYPE, "field 'ts' must be an integer (epoch milliseconds), got "
                    + clip(ts.asText()) + ": write it as an integer");
        }
        if (!ts.isIntegralNumber()) {
            return wrongType("ts", "an integer (epoch milliseconds)", ts);
        }
        JsonNode value = node.get("value");
        if (missing(value)) {
            return missingField("value");
        }
        if (!value.isNumber()) {
            return wrongType("value", "a number", value);
        }
        double val = value.asDouble();
        if (!Double.isFinite(val)) {
            return ParseResult.reject(RejectReason.NON_FINITE_VALUE, "field 'value' is not finite: " + clip(value.asText()));
        }
        if (Math.abs(val) > Float.MAX_VALUE) {
            // The anomaly model (RCF) stores floats: a larger value becomes Infinity there and NaN-poisons the model.
            return ParseResult.reject(RejectReason.INVALID_VALUE, "field 'value' " + clip(value.asText())
                    + " is outside the supported range [-" + Float.MAX_VALUE + ", " + Float.MAX_VALUE + "]");
        }
        long eventTime = ts.asLong();
        long now = clockMillis.getAsLong();
        if (eventTime < now - maxPastMillis || eventTime > now + maxFutureMillis) {
            String hint = eventTime > 0 && eventTime < now / 100
                    ? ": it looks like seconds, send epoch milliseconds"
                    : eventTime > now ? ": check the sensor's clock (the job allows " + JobOptions.MAX_FUTURE_SKEW
                            + " ahead)" : ": older than the accepted past";
            return ParseResult.reject(RejectReason.TIMESTAMP_OUT_OF_RANGE,
                    "field 'ts' " + eventTime + " is outside [now-" + maxPastMillis + "ms, now+" + maxFutureMillis
                            + "ms] (now=" + now + ")" + hint);
        }
        return ParseResult.ok(new Reading(v.asInt(), node.get("sensorId").asText(), node.get("type").asText(),
                textOrEmpty(node, "site"), eventTime, val, textOrEmpty(node, "unit")));
    }

    private static ParseResult requireText(JsonNode node, String field, boolean required) {
        JsonNode f = node.get(field);
        if (missing(f)) {
            return required ? missingField(field) : null;
        }
        if (!f.isTextual()) {
            return wrongType(field, "a string", f);
        }
        String s = f.asText();
        if (required && s.isBlank()) {
            return ParseResult.reject(RejectReason.INVALID_VALUE, "field '" + field + "' is blank");
        }
        if (s.length() > MAX_ID_LENGTH) {
            return ParseResult.reject(RejectReason.INVALID_VALUE,
                    "field '" + field + "' is " + s.length() + " characters, limit " + MAX_ID_LENGTH);
        }
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F) { // printable ASCII, nearly every id: no code point or category lookup
                i++;
                continue;
            }
            int cp = s.codePointAt(i);
            if (cp <= Character.MAX_VALUE && Character.isSurrogate((char) cp)) {
                // JSON can escape half of a surrogate pair ("\\ud800"), UTF-8 cannot carry it: Spark's strings turn it
                // into '?' (another sensor's id), and a DynamoDB write of it failed (moto: HTTP 500 on every retry).
                return ParseResult.reject(RejectReason.INVALID_VALUE, String.format(Locale.ROOT,
                        "field '%s' holds an unpaired UTF-16 surrogate (\\u%04x at character %d), which UTF-8 cannot "
                                + "carry: send it as valid Unicode", field, cp, i));
            }
            if (!printable(cp)) {
                return ParseResult.reject(RejectReason.INVALID_VALUE, String.format(Locale.ROOT,
                        "field '%s' holds a control or invisible formatting character (U+%04X at character %d): "
                                + "send printable text", field, cp, i));
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /**
     * A newline in an id breaks every line it is printed on (logs, the CLI, a reject message); SNS and SQS (behind the
     * alert topic) refuse NUL and the other control characters and U+FFFE/U+FFFF in a message attribute, so the
     * sensor's alerts would fail until dead-lettered; an invisible character (a zero-width space, a bidi override, a
     * tag character, a line separator) makes an id that prints exactly like another sensor's, or prints reordered.
     * The zero-width (non-)joiners stay: Persian and Indic spellings and emoji sequences need them.
     */
    private static boolean printable(int cp) {
        int type = Character.getType(cp);
        return !Character.isISOControl(cp) && (type != Character.FORMAT || cp == ZWNJ || cp == ZWJ)
                && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR
                && cp != 0xFFFE && cp != 0xFFFF;
    }

    private static final int ZWNJ = 0x200C;
    private static final int ZWJ = 0x200D;

    private static String textOrEmpty(JsonNode node, String field) {
        JsonNode f = node.get(field);
        return missing(f) ? "" : f.asText();
    }

    private static boolean missing(JsonNode f) {
        return f == null || f.isNull() || f.isMissingNode();
    }

    private static ParseResult missingField(String field) {
        return ParseResult.reject(RejectReason.MISSING_FIELD, "required field '" + field + "' is missing");
    }

    private static ParseResult wrongType(String field, String expected, JsonNode got) {
        return ParseResult.reject(RejectReason.WRONG_TYPE,
                "field '" + field + "' must be " + expected + ", got " + got.getNodeType().name().toLowerCase());
    }

    /**
     * The encoding a record is in when it is not UTF-8, or null. JSON parsers detect UTF-16 and UTF-32 from zero bytes
     * among the first four (JSON text starts with an ASCII character) or a byte-order mark; the archive and the replay
     * read UTF-8 only, so such a record is rejected here rather than accepted by the job alone.
     */
    private static final byte[] BOM_BIG_ENDIAN = {(byte) 0xFE, (byte) 0xFF};
    private static final byte[] BOM_LITTLE_ENDIAN = {(byte) 0xFF, (byte) 0xFE};

    private static String notUtf8(byte[] raw) {
        if (startsWith(raw, BOM_BIG_ENDIAN) || startsWith(raw, BOM_LITTLE_ENDIAN)) {
            return "UTF-16 or UTF-32, with a byte-order mark";
        }
        for (int i = 0; i < Math.min(4, raw.length); i++) {
            if (raw[i] == 0) {
                return "UTF-16 or UTF-32";
            }
        }
        return null;
    }

    /**
     * The offset of the first byte that is not well-formed UTF-8, or -1. The JSON parser decodes leniently (CESU-8
     * surrogates, overlong forms), while the archive is read back as strict UTF-8 (U+FFFD for each bad byte): the same
     * record would name one sensor live and another on replay. ASCII records (nearly all) skip the decoder.
     */
    private static int malformedUtf8(byte[] raw) {
        int i = 0;
        for (; i + Long.BYTES <= raw.length; i += Long.BYTES) { // eight bytes at a time: parsing is the job's hot path
            if (((long) LONGS.get(raw, i) & HIGH_BITS) != 0) {
                break;
            }
        }
        while (i < raw.length && raw[i] >= 0) {
            i++;
        }
        if (i == raw.length) {
            return -1;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        CoderResult result = decoder.decode(in, CharBuffer.allocate(raw.length), true);
        if (result.isError()) {
            return in.position();
        }
        result = decoder.flush(CharBuffer.allocate(1));
        return result.isError() ? in.position() : -1;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private static boolean startsWith(byte[] raw, byte[] prefix) {
        if (raw.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (raw[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** A value as the message quotes it: a 400-digit number is not repeated whole. */
    private static String clip(String text) {
        return text.length() <= 40 ? text : text.substring(0, 20) + "…(" + text.length() + " characters)";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
