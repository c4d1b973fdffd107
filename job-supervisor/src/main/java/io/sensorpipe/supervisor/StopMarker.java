package io.sensorpipe.supervisor;

import java.net.URI;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Writes and removes the job's stop marker ({@code s3://bucket/key}, see {@code io.sensorpipe.contract.JobControl}). */
public final class StopMarker {
    private final S3Client s3;

    public StopMarker(S3Client s3) {
        this.s3 = s3;
    }

    public void request(String uri, String runId) {
        Location at = Location.parse(uri);
        s3.putObject(r -> r.bucket(at.bucket()).key(at.key()), RequestBody.fromString("stop " + runId + "\n"));
    }

    public void clear(String uri) {
        Location at = Location.parse(uri);
        s3.deleteObject(r -> r.bucket(at.bucket()).key(at.key()));
    }

    record Location(String bucket, String key) {
        static Location parse(String uri) {
            URI parsed = URI.create(uri);
            if (!"s3".equals(parsed.getScheme()) || parsed.getHost() == null || parsed.getPath().length() < 2) {
                throw new IllegalArgumentException("stop marker must be s3://bucket/key, got '" + uri + "'");
            }
            return new Location(parsed.getHost(), parsed.getPath().substring(1));
        }
    }
}
