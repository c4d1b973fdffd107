package io.sensorpipe.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReadingParserTest {
    private static final long NOW = 1_764_072_000_000L;
    private final ReadingParser parser = new ReadingParser(() -> NOW, Duration.ofDays(1), Duration.ofHours(1));

    private ParseResult parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void validReadingRoundTripsThroughTheWireForm() {
        Reading r = Reading.of("site-a/pump-7/temperature", "temperature", "site-a", NOW + 123, 73.96, "C");
        ParseResult result = parser.parse(r.toJsonBytes());
        assertThat(result.isValid()).isTrue();
        assertThat(result.reading()).isEqualTo(r);
    }

    @Test
    void unknownFieldsAreIgnoredAndOptionalFieldsDefaultToEmpty() {
        ParseResult result = parse("{\"v\":1,\"sensorId\":\"s1\",\"type\":\"t\",\"ts\":" + NOW + ",\"value\":1,\"extra\":[1]}");
        assertThat(result.isValid()).isTrue();
        assertThat(result.reading().site()).isEmpty();
        assertThat(result.reading().unit()).isEmpty();
    }

    @Test
    void missingRequiredFieldIsRejectedNamingTheField() {
        ParseResult result = parse("{\"v\":1,\"sensorId\":\"s1\",\"type\":\"t\",\"ts\":" + NOW + "}");
        assertThat(result.reason()).isEqualTo(RejectReason.MISSING_FIELD);
        assertThat(result.message()).contains("'value'");
    }

    @Test
    void wrongTypeIsRejectedNamingTheField() {
        ParseResult result = parse("{\"v\":1,\"sensorId\":\"s1\",\"type\":\"t\",\"ts\":" + NOW + ",\"value\":\"hot\"}");
        assertThat(result.reason()).isEqualTo(RejectReason.WRONG_TYPE);
        assertThat(result.message()).contains("'value'").contains("string");
    }

    @Test
    void nonFiniteValueIsRejected() {
        // Jackson reads the non-standard NaN token only when allowed; a huge exponent overflows to infinity instead.
        ParseResult result = parse("{\"v\":1,\"sensorId\":\"s1\",\"type\":\"t\",\"ts\":" + NOW + ",\"value\":1e999}");
        assertThat(result.reason()).isEqualTo(RejectReason.NON_FINITE_VALUE);
    }

    @Test
    void timestampFarFromNowIsRejected() {
        ParseResult result = parse("{\"v\":1,\"sensorId\":\"s1\",\"type\":\"t\",\"ts\":" + (NOW + Duration.ofDays(3).toMillis()) + ",\"value\":1}");
        assertThat(result.reason()).isEqualTo(RejectReason.TIMESTAMP_OUT_OF_RANGE);
        assertThat(result.message()).contains("'ts'");
    }

    @Test
    void malformedJsonAndNonObjectsAreRejected() {
        assertThat(parse("{\"v\":1,").reason()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(parse("[1,2]").reason()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(parser.parse(new byte[0]).reason()).isEqualTo(RejectReason.MALFORMED_JSON);
    }

    @Test
    void oversizedRecordIsRejectedBeforeParsing() {
        byte[] big = new byte[ReadingParser.MAX_RECORD_BYTES + 1];
        assertThat(parser.parse(big).reason()).isEqualTo(RejectReason.OVERSIZED);
    }

    @Test
    void unsupportedSchemaVersionAndBlankIdAreInvalid() {
        assertThat(parse("{\"v\":2,\"sensorId\":\"s1\",\"type\":\"t\",\"ts\":" + NOW + ",\"value\":1}").reason())
                .isEqualTo(RejectReason.INVALID_VALUE);
        assertThat(parse("{\"v\":1,\"sensorId\":\" \",\"type\":\"t\",\"ts\":" + NOW + ",\"value\":1}").message())
                .contains("'sensorId'");
    }

    @Test
    void valueBeyondFloatRangeIsRejectedAsInvalidValueNamingTheField() {
        ParseResult huge = parse("{\"v\":1,\"sensorId\":\"s1\",\"type\":\"t\",\"ts\":" + NOW + ",\"value\":1e39}");
        assertThat(huge.isValid()).isFalse();
        assertThat(huge.reason()).isEqualTo(RejectReason.INVALID_VALUE);
        assertThat(huge.message()).contains("'value'");
        ParseResult hugeNegative = parse("{\"v\":1,\"sensorId\":\"s1\",\"type\":\"t\",\"ts\":" + NOW
                + ",\"value\":-1e39}");
        assertThat(hugeNegative.reason()).isEqualTo(RejectReason.INVALID_VALUE);
        ParseResult largestFloat = parse("{\"v\":1,\"sensorId\":\"s1\",\"type\":\"t\",\"ts\":" + NOW
                + ",\"value\":" + (double) Float.MAX_VALUE + "}");
        assertThat(largestFloat.isValid()).isTrue();
    }

    private static String reading(long ts) {
        return "{\"v\":1,\"sensorId\":\"s1\",\"type\":\"t\",\"ts\":" + ts + ",\"value\":1}";
    }

    @Test
    void twoReadingsInOneRecordAreRejectedInsteadOfKeepingTheFirst() {
        for (String twice : new String[] {reading(NOW) + reading(NOW + 1), reading(NOW) + "\n" + reading(NOW + 1)}) {
            ParseResult result = parse(twice);
            assertThat(result.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
            assertThat(result.message()).contains("one reading per record");
        }
        assertThat(parse(reading(NOW) + " xyz").reason()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(parse(reading(NOW) + " \n").isValid()).as("trailing whitespace is fine").isTrue();
    }

    @Test
    void halfASurrogatePairInATextFieldIsRejectedNamingTheFieldWhileAWholePairIsKept() {
        String escaped = "{\"v\":1,\"sensorId\":\"s1\",\"type\":\"t\",\"site\":\"a\\ud800b\",\"ts\":" + NOW
                + ",\"value\":1}";
        ParseResult result = parse(escaped);
        assertThat(result.reason()).isEqualTo(RejectReason.INVALID_VALUE);
        assertThat(result.message()).isEqualTo("field 'site' holds an unpaired UTF-16 surrogate (\\ud800 at character 1), "
                + "which UTF-8 cannot carry: send it as valid Unicode");
        for (String half : new String[] {"s\\ude00\\ud83d", "s\\ud83d", "\\ude00"}) {
            assertThat(parse(reading(NOW).replace("\"s1\"", "\"" + half + "\"")).message()).as(half)
                    .contains("unpaired UTF-16 surrogate");
        }

        ParseResult pair = parse(reading(NOW).replace("\"s1\"", "\"s\\ud83d\\ude00\""));
        assertThat(pair.isValid()).as(pair.toString()).isTrue();
        assertThat(pair.reading().sensorId()).isEqualTo("s\ud83d\ude00");
    }

    @Test
    void aRecordThatIsNotWellFormedUtf8IsRejectedNamingTheByteEvenWhereTheJsonParserWouldReadIt() {
        // CESU-8 surrogates, alone (ED A0 80) or as a pair (the emoji above), and an overlong 's' (C1 B3): the JSON
        // parser decodes them, the archive's strict reader would not, so live and replay would name different sensors
        int[][] bad = {{0xED, 0xA0, 0x80}, {0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}, {0xC1, 0xB3}, {0xFF}};
        for (int[] bytes : bad) {
            byte[] json = reading(NOW).replace("\"s1\"", "\"s#\"").getBytes(StandardCharsets.UTF_8);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (byte b : json) {
                if (b == '#') {
                    for (int x : bytes) {
                        out.write(x);
                    }
                } else {
                    out.write(b);
                }
            }
            ParseResult result = parser.parse(out.toByteArray());
            int offset = new String(json, StandardCharsets.UTF_8).indexOf('#');
            assertThat(result.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
            assertThat(result.message()).isEqualTo(String.format("record is not valid UTF-8 (byte 0x%02X at offset %d "
                    + "starts no valid sequence, e.g. a surrogate or overlong encoding): encode readings as UTF-8 JSON",
                    bytes[0], offset));
        }
        assertThat(parser.parse(reading(NOW).replace("\"s1\"", "\"Zürich 😀\"").getBytes(StandardCharsets.UTF_8))
                .isValid()).as("well-formed UTF-8 beyond ASCII, up to four bytes").isTrue();
    }

    @Test
    void aControlOrInvisibleCharacterInATextFieldIsRejectedNamingTheFieldAndTheCharacter() {
        ParseResult newline = parse(reading(NOW).replace("\"s1\"", "\"s1\\nDROP\""));
        assertThat(newline.reason()).isEqualTo(RejectReason.INVALID_VALUE);
        assertThat(newline.message()).isEqualTo("field 'sensorId' holds a control or invisible formatting character "
                + "(U+000A at character 2): send printable text");
        assertThat(parse(reading(NOW).replace("\"t\"", "\"t\\u0000\"")).message()).contains("field 'type'")
                .contains("U+0000");
        assertThat(parse(reading(NOW).replace("\"t\"", "\"t\",\"unit\":\"\u0085C\"")).message())
                .contains("field 'unit'").contains("U+0085");
        for (String invisible : new String[] {"\\u200b", "\\u202e", "\\u2028", "\\ufeff", "\\uffff", "\\u00ad",
                "\\udb40\\udc41"}) { // the last: the tag character U+E0041, beyond the BMP
            ParseResult r = parse(reading(NOW).replace("\"s1\"", "\"pump-7" + invisible + "\""));
            assertThat(r.reason()).as(invisible).isEqualTo(RejectReason.INVALID_VALUE);
            assertThat(r.message()).as(invisible).contains("field 'sensorId'").contains("at character 6");
        }
        ParseResult joined = parse(reading(NOW).replace("\"s1\"", "\"\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645\""));
        assertThat(joined.isValid()).as("the zero-width non-joiner of Persian spelling is kept").isTrue();
        ParseResult unicode = parse(reading(NOW).replace("\"s1\"", "\"Zürich/Kühlraum-3 °C\""));
        assertThat(unicode.isValid()).as("printable non-ASCII text is kept").isTrue();
        assertThat(unicode.reading().sensorId()).isEqualTo("Zürich/Kühlraum-3 °C");
    }

    @Test
    void utf16RecordsAreRejectedNamingTheEncoding() {
        for (Charset cs : new Charset[] {StandardCharsets.UTF_16,
                StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE}) {
            ParseResult result = parser.parse(reading(NOW).getBytes(cs));
            assertThat(result.reason()).as(cs.name()).isEqualTo(RejectReason.MALFORMED_JSON);
            assertThat(result.message()).contains("not UTF-8").contains("UTF-16");
        }
    }

    @Test
    void aKplAggregateThatCouldNotBeDeaggregatedIsRejectedNamingTheKpl() {
        byte[] corrupt = new byte[40];
        System.arraycopy(ReadingParser.KPL_AGGREGATE_MAGIC, 0, corrupt, 0, ReadingParser.KPL_AGGREGATE_MAGIC.length);
        ParseResult result = parser.parse(corrupt);
        assertThat(result.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(result.message()).contains("KPL aggregated record");
    }

    @Test
    void aSchemaVersionBeyondIntRangeIsNotReadAsVersionOne() {
        ParseResult result = parse("{\"v\":4294967297,\"sensorId\":\"s1\",\"type\":\"t\",\"ts\":" + NOW
                + ",\"value\":1}");
        assertThat(result.reason()).isEqualTo(RejectReason.INVALID_VALUE);
        assertThat(result.message()).contains("'v'");
    }

    @Test
    void timestampMessagesSayHowToFixTheReading() {
        assertThat(parse(reading(NOW / 1000)).message()).as("seconds").contains("looks like seconds");
        assertThat(parse(reading(NOW + Duration.ofDays(3).toMillis())).message()).contains("--max-future-skew");
        ParseResult fraction = parse("{\"v\":1,\"sensorId\":\"s1\",\"type\":\"t\",\"ts\":1.7e12,\"value\":1}");
        assertThat(fraction.reason()).isEqualTo(RejectReason.WRONG_TYPE);
        assertThat(fraction.message()).contains("write it as an integer");
        ParseResult huge = parse("{\"v\":1,\"sensorId\":\"s1\",\"type\":\"t\",\"ts\":99999999999999999999,\"value\":1}");
        assertThat(huge.reason()).isEqualTo(RejectReason.INVALID_VALUE);
        assertThat(huge.message()).contains("beyond the range of epoch milliseconds");
    }

    @Test
    void aHugeNumberIsNotRepeatedWholeInTheMessage() {
        String digits = "9".repeat(400);
        ParseResult result = parse("{\"v\":1,\"sensorId\":\"s1\",\"type\":\"t\",\"ts\":" + NOW + ",\"value\":"
                + digits + "}");
        assertThat(result.isValid()).isFalse();
        assertThat(result.message()).hasSizeLessThan(200).contains("400 characters");
    }
}
