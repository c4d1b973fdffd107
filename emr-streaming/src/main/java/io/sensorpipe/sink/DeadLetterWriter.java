package io.sensorpipe.sink;

import io.sensorpipe.schema.ReadingCodec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes dead letters as JSON lines, one object per (micro-batch, partition), to S3 or to a local directory. The
 * key depends only on the batch (id, batch time), the partition and the job (its checkpoint's location and, in a
 * streaming query, the query's id, which a new checkpoint at the same location changes), so a re-run batch
 * overwrites its own objects with the same lines instead of adding duplicates, and a job started on an emptied
 * checkpoint, whose batch ids start at 0 again, does not overwrite the earlier run's letters:
 * {@code <prefix>day=YYYY-MM-DD/<job>-batch-<id>-part-<partition>.jsonl}. Letters are spooled to a temporary file,
 * not held in memory, so a flood of 1 MB records costs disk, not heap.
 */
public final class DeadLetterWriter implements DeadLetterSink {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final ClientFactory<S3Client> s3;
    private final String bucket;
    private final String prefix;
    private final String localDir;
    private final String jobTag;

    private DeadLetterWriter(ClientFactory<S3Client> s3, String bucket, String prefix, Path localDir, String jobTag) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix == null ? "" : prefix;
        this.localDir = localDir == null ? null : localDir.toAbsolutePath().toString();
        this.jobTag = jobTag;
    }

    public static DeadLetterWriter toS3(ClientFactory<S3Client> s3, String bucket, String prefix, String jobTag) {
        return new DeadLetterWriter(s3, bucket, prefix, null, jobTag);
    }

    public static DeadLetterWriter toDirectory(Path dir, String jobTag) {
        return new DeadLetterWriter(null, null, null, dir, jobTag);
    }

    /** The job tag followed by the query id's first 8 hex digits (Spark's random UUID: enough to tell runs apart). */
    @Override
    public DeadLetterWriter forQuery(String queryId) {
        String run = queryId.replace("-", "");
        return new DeadLetterWriter(s3, bucket, prefix,
                localDir == null ? null : Path.of(localDir), jobTag + "-" + run.substring(0, Math.min(8, run.length())));
    }

    public String keyFor(long batchId, long batchTimeMillis, int partition) {
        return prefix + "day=" + DAY.format(Instant.ofEpochMilli(batchTimeMillis)) + "/" + jobTag + "-batch-"
                + String.format("%012d", batchId) + "-part-" + String.format("%05d", partition) + ".jsonl";
    }

    @Override
    public Part open(long batchId, long batchTimeMillis, int partition) {
        return new SpooledPart(keyFor(batchId, batchTimeMillis, partition));
    }

    private final class SpooledPart implements Part {
        private final String key;
        private Path spool;
        private OutputStream out;

        SpooledPart(String key) {
            this.key = key;
        }

        @Override
        public void add(DeadLetter letter) {
            try {
                if (out == null) {
                    spool = Files.createTempFile("dead-letters-", ".jsonl");
                    out = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16);
                }
                out.write(ReadingCodec.toJson(letter).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("cannot spool dead letters for " + key, e);
            }
        }

        @Override
        public String commit() {
            if (out == null) {
                return null;
            }
            try {
                out.close();
                out = null;
                if (s3 != null) {
                    s3.get().putObject(b -> b.bucket(bucket).key(key).contentType("application/x-ndjson"),
                            RequestBody.fromFile(spool));
                    return "s3://" + bucket + "/" + key;
                }
                Path file = Path.of(localDir).resolve(key);
                Files.createDirectories(file.getParent());
                Files.move(spool, file, StandardCopyOption.REPLACE_EXISTING);
                return file.toString();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store dead letters " + key, e);
            }
        }

        @Override
        public void close() {
            try {
                if (out != null) {
                    out.close();
                }
                if (spool != null) {
                    Files.deleteIfExists(spool);
                }
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
