package io.sensorpipe.job;

import io.sensorpipe.contract.JobControl;
import java.io.IOException;
import java.time.Duration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graceful stop on request: polls the stop marker beside the checkpoint ({@link JobControl#stopMarkerFor}); when a
 * marker newer than this job's start appears, waits until the running micro-batch has finished and stops the query,
 * so the job exits normally (the EMR step ends COMPLETED) and the next version starts from a clean checkpoint. A
 * marker older than the start is a leftover and is ignored. Hadoop's FileSystem reads it, so the same code works for
 * s3:// (EMRFS) and local checkpoints.
 */
public final class StopMarkerWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StopMarkerWatcher.class);

    /** Whether a stop was requested; throws when the marker cannot be read just now. */
    @FunctionalInterface
    interface MarkerCheck {
        boolean requested() throws IOException;
    }

    private final Thread thread;
    private volatile boolean closed;

    private StopMarkerWatcher(StreamingQuery query, MarkerCheck check, String marker, Duration poll) {
        thread = new Thread(() -> watch(query, check, marker, poll), "stop-marker-watcher");
        thread.setDaemon(true);
    }

    /** Starts watching {@code query}'s stop marker every {@code poll}. Close it when the query has ended. */
    public static StopMarkerWatcher start(SparkSession spark, StreamingQuery query, String checkpoint, Duration poll) {
        Path marker = new Path(JobControl.stopMarkerFor(checkpoint));
        long startedAt = System.currentTimeMillis();
        MarkerCheck check = () -> {
            FileSystem fs = marker.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return requested(fs, marker, startedAt);
        };
        return start(query, check, marker.toString(), poll);
    }

    static StopMarkerWatcher start(StreamingQuery query, MarkerCheck check, String marker, Duration poll) {
        StopMarkerWatcher watcher = new StopMarkerWatcher(query, check, marker, poll);
        watcher.thread.start();
        return watcher;
    }

    private void watch(StreamingQuery query, MarkerCheck check, String marker, Duration poll) {
        String lastError = null;
        try {
            while (!closed && query.isActive()) {
                boolean requested = false;
                try {
                    requested = check.requested();
                    if (lastError != null) {
                        LOG.info("stop marker {} readable again", marker);
                        lastError = null;
                    }
                } catch (IOException | RuntimeException e) {
                    // A transient S3 or HDFS error must not end the watching for the rest of the job's life (every
                    // later deploy would then wait for its timeout and cancel the run); logged once per new error.
                    if (!e.toString().equals(lastError)) {
                        LOG.warn("stop marker {} not readable, still watching: {}", marker, e.toString());
                        lastError = e.toString();
                    }
                }
                if (requested) {
                    LOG.info("stop marker {} found: stopping after the running micro-batch", marker);
                    while (query.isActive() && query.status().isTriggerActive()) {
                        Thread.sleep(100);
                    }
                    query.stop();
                    return;
                }
                Thread.sleep(poll.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // query.stop() failed: the deployer falls back to cancelling the run
            LOG.warn("stop-marker watcher could not stop the query: {}", e.toString());
        }
    }

    private static boolean requested(FileSystem fs, Path marker, long startedAt) throws IOException {
        if (!fs.exists(marker)) {
            return false;
        }
        FileStatus status = fs.getFileStatus(marker);
        return status.getModificationTime() >= startedAt;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
