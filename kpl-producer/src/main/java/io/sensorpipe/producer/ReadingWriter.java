package io.sensorpipe.producer;

import io.sensorpipe.schema.Reading;

/**
 * Publishes readings to a Kinesis stream (partition key = sensor id). Implementations never drop a record
 * silently: each one ends acknowledged or in the failure file, and {@link #close()} reports both counts.
 *
 * <p>Not AutoCloseable on purpose: {@link #close()} returns the report, which callers should look at.
 * {@link #write} is thread-safe and blocks while the writer's outstanding bound is reached (backpressure).
 */
public interface ReadingWriter {

    /** Hands one reading to the writer; blocks while too many records are outstanding. */
    void write(Reading reading) throws InterruptedException;

    /** Blocks until every record written so far is acknowledged or recorded as failed. */
    void flush() throws InterruptedException;

    /** Current counters (cheap; for progress lines). */
    WriterStats stats();

    /** Records accepted but not yet acknowledged or failed (what the backpressure bound limits). */
    default long outstanding() {
        return stats().outstanding();
    }

    /** Flushes, releases the client and returns the final report; produced = acknowledged + failed. */
    ProducerReport close() throws InterruptedException;
}
