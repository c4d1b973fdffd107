package io.sensorpipe.kinesis;

import java.nio.file.Paths;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A graceful stop's request to the source, on the driver: a checkpoint whose Kinesis source plans no more reading.
 * Spark's queries cannot be paused, and a job catching up runs its micro-batches back to back, so "stop between two
 * batches" had no moment to act in (seen: 20, 70 and more than 120 s of batches after the request). Once asked, the
 * source answers each trigger with the offset it already reached: the running batch ends, at most one batch without
 * new data follows (Spark's, for a watermark that moved), and the query is idle, where the job stops it.
 *
 * <p>Static, because Spark creates the source itself; keyed by the query's checkpoint, so another query in the same
 * JVM is not affected.
 */
public final class SourceDrain {
    private static final Set<String> DRAINING = ConcurrentHashMap.newKeySet();

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
        String source = key(sourceLocation);
        for (String root : DRAINING) {
            if (source.equals(root) || source.startsWith(root.endsWith("/") ? root : root + "/")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The path part of a checkpoint, scheme and authority dropped (Spark qualifies it: {@code /cp} becomes
     * {@code file:/cp}); a relative local path is made absolute as Spark's local file system does.
     */
    static String key(String location) {
        String path = new org.apache.hadoop.fs.Path(location).toUri().getPath();
        if (!path.startsWith("/")) {
            path = Paths.get(path).toAbsolutePath().normalize().toString();
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
