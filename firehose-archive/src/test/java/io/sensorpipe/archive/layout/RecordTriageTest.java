package io.sensorpipe.archive.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordTriageTest {
    private final RecordTriage triage = new RecordTriage();
    private static final String READING =
            "{\"v\":1,\"sensorId\":\"site-a/pump-7/temperature\",\"type\":\"temperature\",\"site\":\"site-a\",\"ts\":1764072000123,\"value\":73.96,\"unit\":\"C\"}";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void validReadingIsArchivedAsItsRawBytesPlusNewline() {
        RecordTriage.Outcome o = triage.triage(utf8(READING));
        assertThat(o.accepted()).isTrue();
        assertThat(new String(o.archiveLine(), StandardCharsets.UTF_8)).isEqualTo(READING + "\n");
    }

    @Test
    void trailingNewlineIsNotDoubled() {
        assertThat(new String(triage.triage(utf8(READING + "\r\n")).archiveLine(), StandardCharsets.UTF_8))
                .isEqualTo(READING + "\n");
    }

    @Test
    void prettyPrintedReadingIsCompactedToOneLine() {
        String pretty = READING.replace(",", ",\n  ");
        String line = new String(triage.triage(utf8(pretty)).archiveLine(), StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n").contains("\"sensorId\":\"site-a/pump-7/temperature\"");
    }

    @Test
    void oldEventTimeIsStillArchived() {
        String old = READING.replace("1764072000123", "86400000");
        assertThat(triage.triage(utf8(old)).accepted()).isTrue();
    }

    @Test
    void malformedRecordIsRejectedWithTheFieldNamed() {
        RecordTriage.Outcome o = triage.triage(utf8(READING.replace("\"value\":73.96", "\"value\":\"hot\"")));
        assertThat(o.accepted()).isFalse();
        assertThat(o.rejectMessage()).contains("WRONG_TYPE").contains("'value'");
        assertThat(triage.triage(utf8("not json")).rejectMessage()).startsWith("MALFORMED_JSON");
    }
}
