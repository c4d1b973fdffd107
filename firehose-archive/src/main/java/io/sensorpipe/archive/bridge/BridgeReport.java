package io.sensorpipe.archive.bridge;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sensorpipe.schema.ReadingCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a bridge run archived; written as JSON with {@code --report-file}. */
public record BridgeReport(
        @JsonProperty("stream") String stream,
        @JsonProperty("bucket") String bucket,
        @JsonProperty("recordsArchived") long recordsArchived,
        @JsonProperty("recordsRejected") long recordsRejected,
        @JsonProperty("objectsWritten") long objectsWritten,
        @JsonProperty("errorObjectsWritten") long errorObjectsWritten,
        @JsonProperty("bytesWritten") long bytesWritten,
        @JsonProperty("checkpoints") long checkpoints,
        @JsonProperty("putRetries") long putRetries,
        @JsonProperty("runMillis") long runMillis,
        @JsonProperty("cleanShutdown") boolean cleanShutdown) {

    static BridgeReport of(BridgeConfig config, BridgeCounters c, long runMillis, boolean clean) {
        return new BridgeReport(config.streamName(), config.bucket(), c.recordsArchived(), c.recordsRejected(),
                c.objectsWritten(), c.errorObjectsWritten(), c.bytesWritten(), c.checkpoints(), c.putRetries(),
                runMillis, clean);
    }

    public void writeTo(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        ReadingCodec.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
    }

    public String summaryLine() {
        return "archived " + recordsArchived + " readings in " + objectsWritten + " objects, " + recordsRejected
                + " rejected to the error prefix (" + errorObjectsWritten + " objects), " + bytesWritten
                + " bytes, " + checkpoints + " checkpoints, " + putRetries + " put retries";
    }
}
