package io.sensorpipe.supervisor;

import io.sensorpipe.contract.JobControl;
import java.util.OptionalLong;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads the streaming job's commit log under its checkpoint ({@code <checkpoint>/commits/<batchId>}, Spark's): the
 * newest committed micro-batch tells a new version that has committed one since it was submitted from one that has
 * not. Batch ids, not object times, decide, so no clock is compared with S3's.
 */
public final class CommitLog {
    private final S3Client s3;

    public CommitLog(S3Client s3) {
        this.s3 = s3;
    }

    /**
     * The newest committed batch id of the job checkpointing to {@code checkpoint} (s3://bucket/prefix without a
     * trailing slash, as {@link JobControl#checkpointOf} gives it), if any.
     */
    public OptionalLong newestBatch(String checkpoint) {
        StopMarker.Location at = StopMarker.Location.parse(checkpoint);
        String prefix = at.key() + "/" + JobControl.COMMITS_DIR + "/";
        long newest = -1;
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(at.bucket()).prefix(prefix)).contents()) {
            String name = o.key().substring(prefix.length());
            // Spark's commit files are named by the batch id alone; anything else (a .crc, a folder marker) is not one
            if (!name.isEmpty() && name.chars().allMatch(Character::isDigit) && name.length() < 19) {
                newest = Math.max(newest, Long.parseLong(name));
            }
        }
        return newest < 0 ? OptionalLong.empty() : OptionalLong.of(newest);
    }
}
