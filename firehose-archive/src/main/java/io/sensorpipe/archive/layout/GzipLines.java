package io.sensorpipe.archive.layout;

import io.sensorpipe.contract.ArchiveGzip;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/**
 * Firehose's object framing for this archive: records concatenated as they are (each already ends with a newline,
 * see {@link RecordTriage}), the whole object GZIP-compressed.
 */
public final class GzipLines {
    private GzipLines() {
    }

    /** Builds one object's body; records must already be newline-terminated. */
    public static final class Writer {
        private final ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        private final GZIPOutputStream gzip;
        private long uncompressedBytes;
        private int records;

        public Writer() {
            try {
                gzip = new GZIPOutputStream(compressed, 64 * 1024);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public void add(byte[] newlineTerminatedRecord) {
            if (newlineTerminatedRecord.length == 0 || newlineTerminatedRecord[newlineTerminatedRecord.length - 1] != '\n') {
                throw new IllegalArgumentException("record must end with a newline");
            }
            try {
                gzip.write(newlineTerminatedRecord);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            uncompressedBytes += newlineTerminatedRecord.length;
            records++;
        }

        /** Bytes before compression: what Firehose's buffering size hint counts. */
        public long uncompressedBytes() {
            return uncompressedBytes;
        }

        public int records() {
            return records;
        }

        /** Finishes the GZIP stream and returns the object body; the writer is done afterwards. */
        public byte[] finish() {
            try {
                gzip.finish();
                gzip.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return compressed.toByteArray();
        }
    }

    public static byte[] gzip(List<byte[]> newlineTerminatedRecords) {
        Writer w = new Writer();
        newlineTerminatedRecords.forEach(w::add);
        return w.finish();
    }

    /** Streams the non-empty lines of a GZIP object (several concatenated GZIP members are read as one stream). */
    public static void forEachLine(InputStream gzipped, Consumer<String> lineConsumer) throws IOException {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(ArchiveGzip.open(gzipped), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    lineConsumer.accept(line);
                }
            }
        }
    }

    public static List<String> lines(InputStream gzipped) throws IOException {
        List<String> out = new ArrayList<>();
        forEachLine(gzipped, out::add);
        return out;
    }
}
