package io.sensorpipe.archive.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class GzipLinesTest {
    private static byte[] line(String s) {
        return (s + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void objectIsOneGzipStreamOfNewlineTerminatedRecords() throws IOException {
        byte[] body = GzipLines.gzip(List.of(line("{\"a\":1}"), line("{\"a\":2}")));
        assertThat(body[0] & 0xff).isEqualTo(0x1f);
        assertThat(body[1] & 0xff).isEqualTo(0x8b);
        byte[] plain = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n{\"a\":2}\n");
    }

    @Test
    void readsConcatenatedGzipMembersAsOneObject() throws IOException {
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(GzipLines.gzip(List.of(line("x1"))));
        both.write(GzipLines.gzip(List.of(line("x2"), line("x3"))));
        assertThat(GzipLines.lines(new ByteArrayInputStream(both.toByteArray()))).containsExactly("x1", "x2", "x3");
    }

    @Test
    void writerCountsUncompressedBytesForTheSizeHint() {
        GzipLines.Writer w = new GzipLines.Writer();
        w.add(line("0123456789"));
        w.add(line("abc"));
        assertThat(w.uncompressedBytes()).isEqualTo(15);
        assertThat(w.records()).isEqualTo(2);
    }

    @Test
    void recordWithoutNewlineIsRefused() {
        GzipLines.Writer w = new GzipLines.Writer();
        assertThatThrownBy(() -> w.add("{}".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class);
    }
}
