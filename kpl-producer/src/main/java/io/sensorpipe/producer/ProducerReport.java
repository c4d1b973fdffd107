package io.sensorpipe.producer;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorpipe.schema.ReadingCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Final counts of a producer run; {@code produced == acknowledged + failed} when nothing was lost
 * ({@link #balanced()}). Written as JSON with {@code --report-file}; the local pipeline reads {@code produced}.
 *
 * @param writer           "kpl" or "sdk-putrecords"
 * @param stream           target stream
 * @param produced         records handed to the writer
 * @param acknowledged     records confirmed by Kinesis
 * @param failed           records written to the failure file
 * @param retries          re-submissions after failed attempts
 * @param bytes            payload bytes produced
 * @param elapsedMillis    from writer start to the end of the final flush
 * @param recordsPerSecond acknowledged / elapsed
 * @param blockedMillis    time writers spent blocked by backpressure
 * @param kinesisCalls     PutRecord(s) API calls, -1 if unknown
 * @param failureFile      path of the failure file (written only when failed > 0)
 */
public record ProducerReport(String writer, String stream, long produced, long acknowledged, long failed, long retries,
                             long bytes, long elapsedMillis, double recordsPerSecond, long blockedMillis,
                             long kinesisCalls, String failureFile) {

    static ProducerReport of(String writer, String stream, WriterStats s, long elapsedMillis, Path failureFile) {
        double rps = elapsedMillis <= 0 ? 0 : s.acknowledged() * 1000.0 / elapsedMillis;
        return new ProducerReport(writer, stream, s.produced(), s.acknowledged(), s.failed(), s.retries(), s.bytes(),
                elapsedMillis, Math.round(rps * 10) / 10.0, s.blockedMillis(), s.kinesisCalls(),
                failureFile == null ? null : failureFile.toString());
    }

    /** Every produced record is accounted for: acknowledged or recorded as failed. */
    public boolean balanced() {
        return produced == acknowledged + failed;
    }

    public String summaryLine() {
        return String.format(Locale.ROOT,
                "producer report (%s → %s): produced=%d acknowledged=%d failed=%d retries=%d in %.1fs (%.0f records/s)%s%s",
                writer, stream, produced, acknowledged, failed, retries, elapsedMillis / 1000.0, recordsPerSecond,
                failed > 0 ? " failures in " + failureFile : "", balanced() ? "" : " UNBALANCED");
    }

    public void writeJson(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, ReadingCodec.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(this));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + file, e);
        }
    }
}
