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

    private final Thread thread;
    private volatile boolean closed;

    private StopMarkerWatcher(SparkSession spark, StreamingQuery query, String checkpoint, Duration poll) {
        Path marker = new Path(JobControl.stopMarkerFor(checkpoint));
        long startedAt = System.currentTimeMillis();
        thread = new Thread(() -> watch(spark, query, marker, startedAt, poll), "stop-marker-watcher");
        thread.setDaemon(true);
    }

    /** Starts watching {@code query}'s stop marker every {@code poll}. Close it when the query has ended. */
    public static StopMarkerWatcher start(SparkSession spark, StreamingQuery query, String checkpoint, Duration poll) {
        StopMarkerWatcher watcher = new StopMarkerWatcher(spark, query, checkpoint, poll);
        watcher.thread.start();
        return watcher;
    }

    private void watch(SparkSession spark, StreamingQuery query, Path marker, long startedAt, Duration poll) {
        try {
            FileSystem fs = marker.getFileSystem(spark.sparkContext().hadoopConfiguration());
            while (!closed && query.isActive()) {
                if (requested(fs, marker, startedAt)) {
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
            // Watching is best effort: without it the deployer falls back to cancelling the run.
            LOG.warn("stop-marker watcher ended: {}", e.toString());
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
