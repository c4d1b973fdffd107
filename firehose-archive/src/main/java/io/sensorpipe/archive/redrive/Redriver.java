package io.sensorpipe.archive.redrive;

import io.sensorpipe.archive.layout.ErrorDocument;
import io.sensorpipe.archive.layout.GzipLines;
import io.sensorpipe.archive.layout.RecordTriage;
import io.sensorpipe.archive.replay.ArchiveReader;
import io.sensorpipe.contract.ArchiveLayout;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Puts back into the archive the readings Firehose left in {@code processing-failed} because the transformation
 * itself failed (its Lambda timed out, was throttled or threw: any error code but
 * {@link ErrorDocument#PROCESSING_FAILED_STATUS}, which is the transformation rejecting a record that is not a
 * reading). Firehose writes such a batch, valid readings included, to the error prefix and nothing reads it from
 * there: replay, reprocessing and warm start read the data prefix only.
 *
 * <p>Each error object's readings are judged by the transformation's own rules ({@link RecordTriage}) and written to
 * the data prefix, one object per (error object, arrival hour), in the hour partition of their arrival, under a key
 * derived from the error object's: a second run writes the same objects again (idempotent) and {@link #pending}
 * knows which are done. Records the rules refuse stay where they are, counted. The error objects are kept.
 */
public final class Redriver {
    private final S3Client s3;
    private final String bucket;
    private final ArchiveLayout layout;
    private final ArchiveReader reader;
    private final RecordTriage triage = new RecordTriage();

    public Redriver(S3Client s3, String bucket, ArchiveLayout layout) {
        this.s3 = s3;
        this.bucket = bucket;
        this.layout = layout;
        this.reader = new ArchiveReader(s3, bucket, layout);
    }

    /** What a run does or did. */
    public record Report(long errorObjects, long rejectedByTheTransform, long readings, long notReadings,
                         long objectsWritten, long alreadyRedriven, List<String> written) {
        public String summaryLine() {
            return readings + " readings in " + errorObjects + " error objects the transformation never judged, "
                    + "written back as " + objectsWritten + " data objects (" + alreadyRedriven + " were already); "
                    + notReadings + " of its records are not readings and stay in the error prefix; "
                    + rejectedByTheTransform + " records the transformation rejected are left as they are";
        }
    }

    /** Writes the stranded readings of error objects whose arrival hour overlaps [from, to) (nothing with dryRun). */
    public Report redrive(Instant from, Instant to, boolean dryRun, Consumer<String> progress) {
        return run(from, to, dryRun ? Mode.DRY_RUN : Mode.WRITE, progress, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /**
     * The same counts without writing, for error objects of arrival hours [{@code from}, {@code to}):
     * {@code readings} is what {@link #redrive} would still write of readings whose event time lies in
     * [{@code eventFrom}, {@code eventTo}).
     */
    public Report pending(Instant from, Instant to, Instant eventFrom, Instant eventTo) {
        return run(from, to, Mode.PENDING, line -> { }, eventFrom.toEpochMilli(), eventTo.toEpochMilli());
    }

    private enum Mode { WRITE, DRY_RUN, PENDING }

    private Report run(Instant from, Instant to, Mode mode, Consumer<String> progress, long eventFrom, long eventTo) {
        long errorObjects = 0;
        long rejected = 0;
        long readings = 0;
        long notReadings = 0;
        long alreadyDone = 0;
        List<String> written = new ArrayList<>();
        for (String errorKey : reader.errorObjectKeys(from, to)) {
            Map<Instant, List<byte[]>> byHour = new TreeMap<>();
            Map<Instant, Long> firstArrival = new TreeMap<>();
            long[] counts = new long[2]; // rejected by the transform, not readings
            reader.forEachLine(errorKey, line -> {
                ErrorDocument doc = ErrorDocument.fromLine(line);
                if (ErrorDocument.PROCESSING_FAILED_STATUS.equals(doc.errorCode())) {
                    counts[0]++;
                    return;
                }
                RecordTriage.Outcome outcome = triage.triage(doc.rawBytes());
                if (!outcome.accepted()) {
                    counts[1]++;
                    return;
                }
                Instant hour = Instant.ofEpochMilli(doc.arrivalTimestamp()).truncatedTo(ChronoUnit.HOURS);
                byHour.computeIfAbsent(hour, h -> new ArrayList<>()).add(outcome.archiveLine());
                firstArrival.merge(hour, doc.arrivalTimestamp(), Math::min);
            });
            rejected += counts[0];
            notReadings += counts[1];
            if (byHour.isEmpty()) {
                continue;
            }
            errorObjects++;
            for (Map.Entry<Instant, List<byte[]>> group : byHour.entrySet()) {
                String key = layout.dataObjectKey(Instant.ofEpochMilli(firstArrival.get(group.getKey())),
                        UUID.nameUUIDFromBytes(("redrive " + errorKey + " " + group.getKey())
                                .getBytes(StandardCharsets.UTF_8)));
                if (exists(key)) {
                    alreadyDone++; // written by an earlier run: the same lines again, nothing to do
                    continue;
                }
                readings += mode == Mode.PENDING ? inRange(group.getValue(), eventFrom, eventTo)
                        : group.getValue().size();
                if (mode == Mode.WRITE) {
                    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(GzipLines.gzip(group.getValue())));
                    written.add(key);
                    progress.accept("redrive: s3://" + bucket + "/" + key + " <- " + group.getValue().size()
                            + " readings of s3://" + bucket + "/" + errorKey);
                } else if (mode == Mode.DRY_RUN) {
                    progress.accept("redrive (dry run): " + group.getValue().size() + " readings of s3://" + bucket
                            + "/" + errorKey + " would go to s3://" + bucket + "/" + key);
                }
            }
        }
        return new Report(errorObjects, rejected, readings, notReadings, written.size(), alreadyDone, written);
    }

    /** Lines whose reading's event time lies in [from, to). */
    private static long inRange(List<byte[]> lines, long from, long to) {
        if (from == Long.MIN_VALUE && to == Long.MAX_VALUE) {
            return lines.size();
        }
        io.sensorpipe.schema.ReadingParser parser = io.sensorpipe.schema.ReadingParser.withoutTimeBounds();
        long n = 0;
        for (byte[] line : lines) {
            io.sensorpipe.schema.ParseResult p = parser.parse(line);
            if (p.isValid() && p.reading().ts() >= from && p.reading().ts() < to) {
                n++;
            }
        }
        return n;
    }

    private boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }
}
