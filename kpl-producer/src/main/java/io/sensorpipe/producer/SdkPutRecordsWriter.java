package io.sensorpipe.producer;

import io.sensorpipe.schema.Reading;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The plain baseline: one Kinesis record per reading, sent with SDK v2 PutRecords in batches of up to 500
 * records (or 5 MiB), synchronously from the writing thread, which is its backpressure. Failed entries are
 * retried with backoff up to {@code maxRetries} times, then written to the failure file. A batch is also sent
 * when it is older than RecordMaxBufferedTime, so slow sources are not held back.
 */
public final class SdkPutRecordsWriter implements ReadingWriter {
    static final int MAX_BATCH_RECORDS = 500;
    static final long MAX_BATCH_BYTES = 5L * 1024 * 1024;

    private final ProducerConfig config;
    private final KinesisClient kinesis;
    private final FailureLog failureLog;
    private final ScheduledExecutorService linger;
    private final List<Reading> batch = new ArrayList<>(MAX_BATCH_RECORDS);
    private final List<byte[]> batchData = new ArrayList<>(MAX_BATCH_RECORDS);
    private long batchBytes;
    private long batchStartNanos;
    private long startNanos;
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private ProducerReport report;

    /** @param kinesis built by {@link ProducerAwsClients#kinesis}; not closed by this writer */
    public SdkPutRecordsWriter(ProducerConfig config, KinesisClient kinesis) {
        this.config = config.validate();
        this.kinesis = kinesis;
        this.failureLog = new FailureLog(config.failureFile());
        this.linger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "putrecords-linger");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(10, config.recordMaxBufferedTime().toMillis() / 2);
        linger.scheduleWithFixedDelay(this::sendIfStale, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void write(Reading reading) {
        if (report != null) {
            throw new IllegalStateException("writer is closed");
        }
        byte[] data = reading.toJsonBytes();
        if (startNanos == 0) {
            startNanos = System.nanoTime();
        }
        if (!batch.isEmpty() && (batch.size() >= MAX_BATCH_RECORDS || batchBytes + data.length > MAX_BATCH_BYTES)) {
            sendBatch();
        }
        if (batch.isEmpty()) {
            batchStartNanos = System.nanoTime();
        }
        batch.add(reading);
        batchData.add(data);
        batchBytes += data.length;
        produced.incrementAndGet();
        bytes.addAndGet(data.length);
        if (batch.size() >= MAX_BATCH_RECORDS) {
            sendBatch();
        }
    }

    private synchronized void sendIfStale() {
        if (!batch.isEmpty() && System.nanoTime() - batchStartNanos >= config.recordMaxBufferedTime().toNanos()) {
            sendBatch();
        }
    }

    /** Sends the current batch, retrying failed entries; every entry ends acknowledged or in the failure file. */
    private void sendBatch() {
        List<Reading> readings = new ArrayList<>(batch);
        List<byte[]> data = new ArrayList<>(batchData);
        batch.clear();
        batchData.clear();
        batchBytes = 0;
        String lastReason = "";
        for (int attempt = 1; !readings.isEmpty(); attempt++) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>(readings.size());
            for (int i = 0; i < readings.size(); i++) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey(readings.get(i).sensorId())
                        .data(SdkBytes.fromByteArray(data.get(i))).build());
            }
            List<Reading> retryReadings = new ArrayList<>();
            List<byte[]> retryData = new ArrayList<>();
            try {
                calls.incrementAndGet();
                PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(config.streamName()).records(entries));
                List<PutRecordsResultEntry> results = response.records();
                for (int i = 0; i < results.size(); i++) {
                    PutRecordsResultEntry r = results.get(i);
                    if (r.errorCode() == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        lastReason = r.errorCode() + ": " + r.errorMessage();
                        retryReadings.add(readings.get(i));
                        retryData.add(data.get(i));
                    }
                }
            } catch (SdkException e) {
                lastReason = "PutRecords failed: " + e.getMessage();
                retryReadings = readings;
                retryData = data;
            }
            if (retryReadings.isEmpty()) {
                return;
            }
            if (attempt > config.maxRetries()) {
                for (Reading r : retryReadings) {
                    failureLog.record(r, attempt, lastReason);
                    failed.incrementAndGet();
                }
                return;
            }
            retries.addAndGet(retryReadings.size());
            readings = retryReadings;
            data = retryData;
            try {
                Thread.sleep(Math.min(2000, 100L << Math.min(attempt - 1, 4))); // backoff for throttling
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public synchronized void flush() {
        if (!batch.isEmpty()) {
            sendBatch();
        }
    }

    @Override
    public synchronized WriterStats stats() {
        long outstanding = produced.get() - acknowledged.get() - failed.get();
        return new WriterStats(produced.get(), acknowledged.get(), failed.get(), retries.get(), outstanding,
                bytes.get(), 0, calls.get());
    }

    @Override
    public synchronized ProducerReport close() {
        if (report != null) {
            return report;
        }
        flush();
        linger.shutdownNow();
        failureLog.close();
        long elapsed = startNanos == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        WriterStats s = stats();
        report = ProducerReport.of("sdk-putrecords", config.streamName(), s, elapsed,
                s.failed() > 0 ? failureLog.file() : null);
        return report;
    }
}
