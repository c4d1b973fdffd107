package io.sensorpipe.kinesis;

import java.nio.file.Paths;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A graceful stop's request to the source, on the driver: a checkpoint whose Kinesis source plans no more reading.
 * Spark's queries cannot be paused, and a job catching up runs its micro-batches back to back, so "stop between two
 * batches" had no moment to act in (GracefulStopIT saw 20, 70 and 84 batches after the request, and once no stop
 * within 120 s). Once asked, the source answers each trigger with the offset it already reached: the running batch
 * ends, and the batches after it read nothing (Spark still runs one a trigger for the state's processing-time
 * timeouts); the job stops the query once one of those has completed ({@code StopMarkerWatcher}).
 *
 * <p>Static, because Spark creates the source itself; keyed by the query's checkpoint, so another query in the same
 * JVM is not affected.
 */
public final class SourceDrain {
    private static final Set<Key> DRAINING = ConcurrentHashMap.newKeySet();

    private SourceDrain() {
    }

    /** Asks the source of the query checkpointed at {@code checkpoint} to plan no more reading. */
    public static void request(String checkpoint) {
        DRAINING.add(key(checkpoint));
    }

    /** Withdraws the request (the query stopped, or stopping it failed and it must read on). */
    public static void clear(String checkpoint) {
        DRAINING.remove(key(checkpoint));
    }

    /** Whether the source whose checkpoint location (Spark's {@code <checkpoint>/sources/<n>}) is given must stop. */
    static boolean requested(String sourceLocation) {
        if (DRAINING.isEmpty() || sourceLocation == null) {
            return false;
        }
        Key source = key(sourceLocation);
        for (Key root : DRAINING) {
            if (root.contains(source)) {
                return true;
            }
        }
        return false;
    }

    /** A location as Spark compares it: the path decoded, the authority (an s3 bucket, an HDFS name node) if named. */
    record Key(String authority, String path) {
        boolean contains(Key other) {
            String prefix = path.endsWith("/") ? path : path + "/";
            return (authority == null || authority.equals(other.authority))
                    && (other.path.equals(path) || other.path.startsWith(prefix));
        }
    }

    /**
     * Spark qualifies and escapes the checkpoint ({@code /tmp/my cp} becomes {@code file:/tmp/my%20cp}); the job's
     * flag is as typed, possibly relative. A location without a scheme is a local path, made absolute as Spark's local
     * file system does; an authority the flag does not name (hdfs:///cp) matches any.
     */
    static Key key(String location) {
        String authority = null;
        String path;
        int colon = location.indexOf(':');
        boolean hasScheme = colon > 1 && location.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
        if (hasScheme) {
            java.net.URI uri;
            try {
                uri = new java.net.URI(location);
            } catch (java.net.URISyntaxException notEscaped) { // typed with a space: Hadoop's reading
                uri = new org.apache.hadoop.fs.Path(location).toUri();
            }
            authority = uri.getAuthority() == null || uri.getAuthority().isEmpty() ? null : uri.getAuthority();
            path = uri.getPath() == null ? "" : uri.getPath();
        } else {
            path = Paths.get(location).toAbsolutePath().normalize().toString();
        }
        path = path.replaceAll("/+", "/");
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new Key(authority, path);
    }
}
