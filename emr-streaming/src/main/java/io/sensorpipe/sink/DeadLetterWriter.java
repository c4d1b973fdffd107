package io.sensorpipe.sink;

import io.sensorpipe.schema.ReadingCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes one micro-batch's dead letters as one JSON-lines object, to S3 ({@code s3://bucket/prefix...}) or to a
 * local directory. The key depends only on the batch (id, batch time) and the job's checkpoint, so a re-run batch
 * overwrites its own object with the same lines instead of adding duplicates:
 * {@code <prefix>day=YYYY-MM-DD/<job>-batch-<id>.jsonl}.
 */
public final class DeadLetterWriter {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Path localDir;
    private final String jobTag;

    private DeadLetterWriter(S3Client s3, String bucket, String prefix, Path localDir, String jobTag) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.localDir = localDir;
        this.jobTag = jobTag;
    }

    public static DeadLetterWriter toS3(S3Client s3, String bucket, String prefix, String jobTag) {
        return new DeadLetterWriter(s3, bucket, prefix, null, jobTag);
    }

    public static DeadLetterWriter toDirectory(Path dir, String jobTag) {
        return new DeadLetterWriter(null, null, null, dir, jobTag);
    }

    public String keyFor(long batchId, long batchTimeMillis) {
        return (prefix == null ? "" : prefix) + "day=" + DAY.format(Instant.ofEpochMilli(batchTimeMillis)) + "/"
                + jobTag + "-batch-" + String.format("%012d", batchId) + ".jsonl";
    }

    /** Writes the batch's dead letters (nothing when empty); returns where they went. */
    public String write(long batchId, long batchTimeMillis, List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return null;
        }
        StringBuilder lines = new StringBuilder(letters.size() * 256);
        for (DeadLetter l : letters) {
            lines.append(ReadingCodec.toJson(l)).append('\n');
        }
        byte[] body = lines.toString().getBytes(StandardCharsets.UTF_8);
        String key = keyFor(batchId, batchTimeMillis);
        if (s3 != null) {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/x-ndjson"), RequestBody.fromBytes(body));
            return "s3://" + bucket + "/" + key;
        }
        try {
            Path file = localDir.resolve(key);
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, body);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
