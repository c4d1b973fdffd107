package io.sensorpipe.job;

import io.sensorpipe.contract.JobControl;
import io.sensorpipe.kinesis.SourceDrain;
import java.io.IOException;
import java.time.Duration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graceful stop on request: polls the stop marker beside the checkpoint ({@link JobControl#stopMarkerFor}); when a
 * marker newer than this job's start appears, asks the Kinesis source to plan no more ({@link SourceDrain}), waits
 * until the running micro-batch has finished and stops the query,
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

    private final String checkpoint;

    private StopMarkerWatcher(StreamingQuery query, MarkerCheck check, String marker, Duration poll, String checkpoint) {
        this.checkpoint = checkpoint;
        thread = new Thread(() -> watch(query, check, marker, poll), "stop-marker-watcher");
        thread.setDaemon(true);
    }

    /**
     * Starts watching {@code query}'s stop marker every {@code poll}. Close it when the query has ended.
     * {@code drainSource}: the query reads with this job's Kinesis source, which can stop planning ({@link SourceDrain}).
     * {@code startedAt}: when the job started (epoch ms; before its query did, which may first finish a batch: a
     * marker written meanwhile is this run's, not a leftover).
     */
    public static StopMarkerWatcher start(SparkSession spark, StreamingQuery query, String checkpoint, Duration poll,
                                          boolean drainSource, long startedAt) {
        Path marker = new Path(JobControl.stopMarkerFor(checkpoint));
        MarkerCheck check = () -> {
            FileSystem fs = marker.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return requested(fs, marker, startedAt);
        };
        return start(query, check, marker.toString(), poll, drainSource ? checkpoint : null);
    }

    static StopMarkerWatcher start(StreamingQuery query, MarkerCheck check, String marker, Duration poll) {
        return start(query, check, marker, poll, null);
    }

    /** {@code checkpoint}: the query's, whose Kinesis source is asked to plan no more ({@link SourceDrain}); or null. */
    static StopMarkerWatcher start(StreamingQuery query, MarkerCheck check, String marker, Duration poll,
                                   String checkpoint) {
        StopMarkerWatcher watcher = new StopMarkerWatcher(query, check, marker, poll, checkpoint);
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
                    long before = query.lastProgress() == null ? -1 : query.lastProgress().batchId();
                    if (checkpoint != null) {
                        // batches back to back (catching up) leave no moment between two: the source plans no more
                        SourceDrain.request(checkpoint);
                    }
                    while (query.isActive() && !betweenBatches(query, before, checkpoint != null)) {
                        Thread.sleep(10);
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
        } finally {
            if (checkpoint != null) {
                SourceDrain.clear(checkpoint); // a query left running (stop failed) reads on
            }
        }
    }

    /**
     * Whether stopping {@code query} now cuts no batch that reads, once batch {@code after} has completed: no batch
     * is running, or ({@code drained}: its source plans no more) a batch after it that read nothing has completed,
     * so what runs now reads nothing (the state's processing-time timeouts make Spark run a batch every trigger, so
     * the query is never idle when they take longer than the trigger). A restart then re-runs at most a batch of
     * none. Used by the graceful stop and by the job finishing an unfinished batch ({@link SensorStreamingJob#start}).
     */
    static boolean betweenBatches(StreamingQuery query, long after, boolean drained) {
        StreamingQueryProgress last = query.lastProgress();
        if (after >= 0 && (last == null || last.batchId() < after)) {
            return false;
        }
        return !query.status().isTriggerActive()
                || (drained && last != null && last.batchId() > after && last.numInputRows() == 0);
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
