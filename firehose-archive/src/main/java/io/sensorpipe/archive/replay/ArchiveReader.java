package io.sensorpipe.archive.replay;

import io.sensorpipe.contract.ArchiveLayout;
import io.sensorpipe.archive.layout.GzipLines;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads the archive the way Firehose lays it out: lists the hourly prefixes of a time range and streams the lines of
 * each GZIP object. Objects are partitioned by arrival time, so callers pass the arrival range to scan.
 */
public final class ArchiveReader {
    private final S3Client s3;
    private final String bucket;
    private final ArchiveLayout layout;

    public ArchiveReader(S3Client s3, String bucket, ArchiveLayout layout) {
        this.s3 = s3;
        this.bucket = bucket;
        this.layout = layout;
    }

    public String bucket() {
        return bucket;
    }

    /** Data objects whose hour partition overlaps [from, to), oldest first (keys sort by hour, then object time). */
    public List<String> dataObjectKeys(Instant from, Instant to) {
        List<String> keys = new ArrayList<>();
        for (String prefix : layout.hourlyDataPrefixes(from, to)) {
            keys.addAll(list(prefix));
        }
        return keys;
    }

    /** {@code processing-failed} error objects whose hour partition overlaps [from, to). */
    public List<String> errorObjectKeys(Instant from, Instant to) {
        List<String> keys = new ArrayList<>();
        for (String prefix : layout.hourlyErrorPrefixes(from, to, ArchiveLayout.PROCESSING_FAILED)) {
            keys.addAll(list(prefix));
        }
        return keys;
    }

    /**
     * Streams the object's lines; an object that is not whole GZIP (a ZIP error or an early end) throws
     * {@link DamagedObject} after the lines before the damage, so a reader can name it and go on.
     */
    public void forEachLine(String key, Consumer<String> lines) {
        try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            GzipLines.forEachLine(in, lines);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new DamagedObject("s3://" + bucket + "/" + key, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read s3://" + bucket + "/" + key, e);
        }
    }

    /** An archive object that is not whole GZIP: written by something other than Firehose, or cut short. */
    public static final class DamagedObject extends UncheckedIOException {
        public DamagedObject(String where, IOException cause) {
            super(where + " is not a whole GZIP object (" + cause.getMessage() + ")", cause);
        }
    }

    private List<String> list(String prefix) {
        List<String> keys = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            if (ArchiveLayout.isFirehoseObjectName(o.key())) {
                keys.add(o.key());
            }
        }
        keys.sort(null);
        return keys;
    }
}
