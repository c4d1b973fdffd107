package io.sensorpipe.archive.bridge;

import io.sensorpipe.contract.ArchiveLayout;
import io.sensorpipe.archive.layout.ErrorDocument;
import io.sensorpipe.archive.layout.GzipLines;
import io.sensorpipe.archive.layout.RecordTriage;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One shard's buffer between two checkpoints: triages records into a data object and an error object and decides
 * when to flush (Firehose's size/interval hints). Pure logic, no I/O, so the key scheme is unit-tested.
 *
 * <p>Keys are deterministic: the object id is derived from the shard and the first record's (sequence,
 * sub-sequence) number, and the time in the key is that record's approximate arrival time. After a crash between
 * the S3 put and the checkpoint, KCL re-delivers from the checkpoint, so the re-built batch starts at the same record
 * and overwrites the same keys: a re-delivery replaces the object instead of duplicating it.
 */
final class ShardBatch {
    private final String shardId;
    private final ArchiveLayout layout;
    private final RecordTriage triage;
    private final long sizeLimitBytes;
    private final long intervalMillis;
    private final String processorArn;

    private GzipLines.Writer data;
    private GzipLines.Writer errors;
    private String firstSequence;
    private long firstSubSequence;
    private Instant firstDataArrival;
    private Instant firstErrorArrival;
    private String lastSequence;
    private long lastSubSequence;
    private long openedAtMillis;
    private int size;

    ShardBatch(String shardId, ArchiveLayout layout, RecordTriage triage, long sizeLimitBytes, Duration interval,
               String processorArn) {
        this.shardId = shardId;
        this.layout = layout;
        this.triage = triage;
        this.sizeLimitBytes = sizeLimitBytes;
        this.intervalMillis = interval.toMillis();
        this.processorArn = processorArn;
    }

    /** One stored object to put. */
    record ObjectPut(String key, byte[] body, int records, Map<String, String> metadata) {
    }

    /** A closed batch: what to put, then where to checkpoint. Either put may be null. */
    record Sealed(ObjectPut data, ObjectPut errors, String lastSequence, long lastSubSequence, int records) {
    }

    void add(String sequenceNumber, long subSequenceNumber, Instant arrival, byte[] raw, long nowMillis) {
        if (size == 0) {
            firstSequence = sequenceNumber;
            firstSubSequence = subSequenceNumber;
            openedAtMillis = nowMillis;
            data = new GzipLines.Writer();
            errors = new GzipLines.Writer();
        }
        RecordTriage.Outcome outcome = triage.triage(raw);
        if (outcome.accepted()) {
            if (firstDataArrival == null) {
                firstDataArrival = arrival;
            }
            data.add(outcome.archiveLine());
        } else {
            if (firstErrorArrival == null) {
                firstErrorArrival = arrival;
            }
            // The position identifies the line: the rest can be equal for two records of one aggregate.
            errors.add(ErrorDocument.processingFailed(raw, arrival.toEpochMilli(), nowMillis,
                    outcome.rejectMessage(), processorArn, shardId, sequenceNumber, subSequenceNumber).toLine());
        }
        lastSequence = sequenceNumber;
        lastSubSequence = subSequenceNumber;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    boolean shouldFlush(long nowMillis) {
        if (size == 0) {
            return false;
        }
        return data.uncompressedBytes() + errors.uncompressedBytes() >= sizeLimitBytes
                || nowMillis - openedAtMillis >= intervalMillis;
    }

    Sealed seal() {
        if (size == 0) {
            throw new IllegalStateException("empty batch");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("shard-id", shardId);
        metadata.put("first-sequence", firstSequence + "/" + firstSubSequence);
        metadata.put("last-sequence", lastSequence + "/" + lastSubSequence);
        ObjectPut dataPut = null;
        if (data.records() > 0) {
            UUID id = ArchiveLayout.batchId(shardId, firstSequence, firstSubSequence);
            dataPut = new ObjectPut(layout.dataObjectKey(firstDataArrival, id), data.finish(), data.records(), metadata);
        } else {
            data.finish();
        }
        ObjectPut errorPut = null;
        if (errors.records() > 0) {
            UUID id = ArchiveLayout.batchId(shardId + "#" + ArchiveLayout.PROCESSING_FAILED, firstSequence, firstSubSequence);
            errorPut = new ObjectPut(layout.errorObjectKey(firstErrorArrival, ArchiveLayout.PROCESSING_FAILED, id),
                    errors.finish(), errors.records(), metadata);
        } else {
            errors.finish();
        }
        Sealed sealed = new Sealed(dataPut, errorPut, lastSequence, lastSubSequence, size);
        reset();
        return sealed;
    }

    /** Drops the buffer (lease lost: another worker re-reads from the last checkpoint). */
    void discard() {
        if (size > 0) {
            data.finish();
            errors.finish();
        }
        reset();
    }

    private void reset() {
        data = null;
        errors = null;
        firstSequence = null;
        firstDataArrival = null;
        firstErrorArrival = null;
        lastSequence = null;
        size = 0;
    }
}
