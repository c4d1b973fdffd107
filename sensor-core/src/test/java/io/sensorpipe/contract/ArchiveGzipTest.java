package io.sensorpipe.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ArchiveGzipTest {
    @Test
    void everyMemberIsReadWhenTheStreamSaysNothingIsAvailableAtAMembersEnd() throws IOException {
        byte[] object = members("{\"a\":1}\n", "{\"a\":2}\n", "{\"a\":3}\n");
        // a network stream: bytes arrive a few at a time and available() answers 0
        try (InputStream in = ArchiveGzip.open(new Trickle(object))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
        }
    }

    @Test
    void oneMemberEndsWhereItEnds() throws IOException {
        try (InputStream in = ArchiveGzip.open(new Trickle(members("x\n")))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("x\n");
        }
    }

    private static byte[] members(String... texts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String t : texts) {
            GZIPOutputStream gz = new GZIPOutputStream(all);
            gz.write(t.getBytes(StandardCharsets.UTF_8));
            gz.finish();
        }
        return all.toByteArray();
    }

    private static final class Trickle extends FilterInputStream {
        Trickle(byte[] bytes) {
            super(new ByteArrayInputStream(bytes));
        }

        @Override
        public int available() {
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 3));
        }
    }
}
