package io.sensorpipe.producer;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import io.sensorpipe.schema.Reading;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.kinesis.producer.Attempt;
import software.amazon.kinesis.producer.IKinesisProducer;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;
import software.amazon.kinesis.producer.Metric;
import software.amazon.kinesis.producer.UserRecordFailedException;
import software.amazon.kinesis.producer.UserRecordResult;

/**
 * {@link ReadingWriter} on the KPL (aggregation and collection on), with the two things the KPL lacks:
 * a bound on outstanding records/bytes (and, when configured, on the event time they span) that blocks
 * {@link #write}, and a check of every user record's future
 * (failed records are re-submitted up to {@code maxRetries} times, then written to the failure file).
 */
public final class KplReadingWriter implements ReadingWriter {
    private static final Logger LOG = LoggerFactory.getLogger(KplReadingWriter.class);

    private final ProducerConfig config;
    private final IKinesisProducer kpl;
    private final OutstandingBound bound;
    private final FailureLog failureLog;
    private final ExecutorService callbacks;
    private final AtomicLong startNanos = new AtomicLong(); // first write: records/s excludes daemon start-up
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean closed;
    private ProducerReport report;

    /** A record in flight, with the number of the attempt it is on. */
    private record Pending(Reading reading, byte[] data, int attempt) {
    }

    public KplReadingWriter(ProducerConfig config, KplProducerFactory factory) {
        this.config = config.validate();
        this.bound = new OutstandingBound(config.maxOutstandingRecords(), config.maxOutstandingBytes(),
                config.maxOutstandingEventTime().map(Duration::toMillis).orElse(OutstandingBound.NO_EVENT_TIME_BOUND));
        this.failureLog = new FailureLog(config.failureFile());
        // Callbacks run off the KPL's response thread, so a slow failure-file write never stalls the daemon pipe.
        this.callbacks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kpl-callbacks");
            t.setDaemon(true);
            return t;
        });
        this.kpl = factory.create(kplConfiguration(config));
        awaitShardMap(config.streamName(), config.startupWait());
    }

    /**
     * The daemon creates a stream's pipeline, and starts fetching its shard map, on the first record for it, and
     * sends records unaggregated until the map is there. A flush of the (empty) stream creates the pipeline without
     * sending anything; there is no way to ask whether the map has arrived, so give it the time it needs.
     */
    private void awaitShardMap(String stream, java.time.Duration wait) {
        if (wait.isZero()) {
            return;
        }
        kpl.flush(stream);
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Production wiring: the real KPL daemon. */
    public static KplReadingWriter create(ProducerConfig config) {
        return new KplReadingWriter(config, ProducerAwsClients::kplProducer);
    }

    /** Maps the typed config onto the KPL's settings. */
    public static KinesisProducerConfiguration kplConfiguration(ProducerConfig c) {
        KinesisProducerConfiguration k = new KinesisProducerConfiguration()
                .setRegion(c.region())
                .setCredentialsProvider(DefaultCredentialsProvider.builder().build())
                .setAggregationEnabled(c.aggregationEnabled())
                .setRecordMaxBufferedTime(c.recordMaxBufferedTime().toMillis())
                .setRecordTtl(c.recordTtl().toMillis())
                .setRateLimit(c.rateLimit())
                .setMaxConnections(c.maxConnections())
                .setRequestTimeout(c.requestTimeout().toMillis())
                .setLogLevel(c.kplLogLevel())
                .setMetricsLevel(c.metricsLevel())
                .setVerifyCertificate(verifyCertificates(c))
                // Partition key = sensor id is the contract (per-sensor order). Saying so up front also spares the
                // daemon its DescribeStreamSummary probe, during which it would not aggregate.
                .setRecordDistributionStrategyDefault(
                        KinesisProducerConfiguration.RecordDistributionStrategyDefault.USER_PARTITION_KEY);
        c.kplKinesisEndpoint().ifPresent(e -> k.setKinesisEndpoint(e.host()).setKinesisPort(e.port()));
        c.kplStsEndpoint().ifPresent(e -> k.setStsEndpoint(e.host()).setStsPort(e.port()));
        return k;
    }

    /**
     * The daemon has one certificate-verification switch for all its connections, so it may be off only when every
     * endpoint it talks to is loopback: Kinesis and STS (an endpoint not overridden is the real AWS one, so it
     * counts as remote), and CloudWatch whenever metrics are uploaded (never overridden here, so always real AWS).
     */
    static boolean verifyCertificates(ProducerConfig c) {
        boolean kinesisLocal = c.kplKinesisEndpoint().map(e -> !e.verifyCertificate()).orElse(false);
        boolean stsLocal = c.kplStsEndpoint().map(e -> !e.verifyCertificate()).orElse(false);
        boolean cloudWatchUsed = !"none".equals(c.metricsLevel());
        return !(kinesisLocal && stsLocal && !cloudWatchUsed);
    }

    @Override
    public void write(Reading reading) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("writer is closed");
        }
        byte[] data = reading.toJsonBytes();
        startNanos.compareAndSet(0, System.nanoTime());
        bound.acquire(data.length, reading.ts());
        produced.incrementAndGet();
        bytes.addAndGet(data.length);
        submit(new Pending(reading, data, 1));
    }

    private void submit(Pending p) {
        ListenableFuture<UserRecordResult> future;
        try {
            future = kpl.addUserRecord(config.streamName(), p.reading().sensorId(), ByteBuffer.wrap(p.data()));
        } catch (RuntimeException e) {
            // e.g. the daemon died: the record was not accepted, treat it like a failed attempt.
            callbacks.execute(() -> attemptFailed(p, "not accepted by the KPL: " + e));
            return;
        }
        Futures.addCallback(future, new FutureCallback<>() {
            @Override
            public void onSuccess(UserRecordResult result) {
                if (result.isSuccessful()) {
                    acknowledged.incrementAndGet();
                    bound.release(p.data().length, p.reading().ts());
                } else {
                    attemptFailed(p, describe(result));
                }
            }

            @Override
            public void onFailure(Throwable t) {
                attemptFailed(p, t instanceof UserRecordFailedException u ? describe(u.getResult()) : String.valueOf(t));
            }
        }, callbacks);
    }

    private void attemptFailed(Pending p, String reason) {
        if (p.attempt() <= config.maxRetries()) {
            retries.incrementAndGet();
            LOG.debug("retrying record of {} (attempt {}): {}", p.reading().sensorId(), p.attempt() + 1, reason);
            submit(new Pending(p.reading(), p.data(), p.attempt() + 1));
            return;
        }
        try {
            failureLog.record(p.reading(), p.attempt(), reason);
        } catch (RuntimeException e) {
            LOG.error("could not write failure file; record of {} at {} failed: {}", p.reading().sensorId(),
                    p.reading().ts(), reason, e);
        }
        failed.incrementAndGet();
        bound.release(p.data().length, p.reading().ts());
    }

    static String describe(UserRecordResult result) {
        if (result == null) {
            return "failed without a result";
        }
        List<Attempt> attempts = result.getAttempts();
        if (attempts == null || attempts.isEmpty()) {
            return "failed with no attempts";
        }
        Attempt last = attempts.get(attempts.size() - 1);
        return last.getErrorCode() + ": " + last.getErrorMessage() + " (after " + attempts.size() + " KPL attempts)";
    }

    @Override
    public void flush() throws InterruptedException {
        // flushSync drains the daemon; our retries may hand it more, so repeat until nothing is outstanding.
        do {
            kpl.flushSync();
        } while (!bound.awaitEmpty(500, TimeUnit.MILLISECONDS));
    }

    @Override
    public WriterStats stats() {
        return new WriterStats(produced.get(), acknowledged.get(), failed.get(), retries.get(),
                bound.outstandingRecords(), bytes.get(), bound.blockedMillis(), kinesisCalls());
    }

    /** Records the daemon itself holds (a subset of {@link #outstanding()}: excludes callbacks in progress). */
    public int daemonOutstanding() {
        return kpl.getOutstandingRecordsCount();
    }

    /** Highest outstanding count seen, never above {@code maxOutstandingRecords}. */
    public long maxOutstandingSeen() {
        return bound.maxSeenRecords();
    }

    /** PutRecords calls, from the daemon's own metrics ("RequestTime" samples); -1 when not available. */
    private long kinesisCalls() {
        if (closed && report != null) {
            return report.kinesisCalls();
        }
        try {
            List<Metric> metrics = kpl.getMetrics("RequestTime");
            return (long) metrics.stream()
                    .filter(m -> m.getDimensions().size() == 1) // the un-split (all streams, all shards) series
                    .mapToDouble(Metric::getSampleCount).sum();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }
    }

    @Override
    public synchronized ProducerReport close() throws InterruptedException {
        if (report != null) {
            return report;
        }
        flush();
        long started = startNanos.get();
        long elapsed = started == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        WriterStats last = stats();
        closed = true;
        kpl.destroy();
        callbacks.shutdown();
        callbacks.awaitTermination(10, TimeUnit.SECONDS);
        failureLog.close();
        report = ProducerReport.of("kpl", config.streamName(), last, elapsed,
                last.failed() > 0 ? failureLog.file() : null);
        return report;
    }
}
