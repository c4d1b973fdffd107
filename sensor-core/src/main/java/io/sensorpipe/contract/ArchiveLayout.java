package io.sensorpipe.contract;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The S3 object layout Firehose writes for the archive: the one definition used by the CDK Firehose (its prefixes),
 * firehose-archive's local bridge (writes it), replay and verify (read it) and the streaming job's warm start (reads
 * the hour partitions), so writers and readers cannot drift apart. Plain Java on purpose: no AWS or Spark types.
 *
 * <p>Keys: {@code <prefix><deliveryStreamName>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>.gz}, where the prefix is
 * the custom prefix with Firehose's {@code !{timestamp:FMT}} (UTC) and {@code !{firehose:error-output-type}}
 * expressions evaluated for the approximate arrival time of the oldest record in the object.
 */
public final class ArchiveLayout {
    /** Top-level folder of the data objects (what reprocessing and the warm start read). */
    public static final String DATA_ROOT = "raw/";
    /** Top-level folder of the error objects. */
    public static final String ERROR_ROOT = "errors/";
    /** Hourly Hive-style partitions of arrival time, as Firehose expressions; below {@link #DATA_ROOT} and each error type. */
    public static final String HOUR_PARTITION =
            "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/";
    /** The custom S3 prefix the CDK Firehose uses: hourly Hive-style partitions of arrival time. */
    public static final String DEFAULT_PREFIX = DATA_ROOT + HOUR_PARTITION;
    /** The custom error prefix; Firehose requires one with an error-output-type expression when the prefix uses expressions. */
    public static final String DEFAULT_ERROR_PREFIX = ERROR_ROOT + "!{firehose:error-output-type}/" + HOUR_PARTITION;
    public static final String DEFAULT_DELIVERY_STREAM_NAME = "sensorpipe-archive";
    /** Firehose's error output type for records a transformation rejected. */
    public static final String PROCESSING_FAILED = "processing-failed";
    /**
     * Fields the local archive bridge adds to each {@code processing-failed} error document: the rejected record's
     * stream position (shard id, sequence number, sub-sequence number of the de-aggregated user record). The position
     * is what tells two identical rejected records apart and what a re-delivered copy shares with the first one, so
     * counters (the cli's pipeline summary) identify error lines by it. {@code sequenceNumber} and
     * {@code subSequenceNumber} are the names Firehose itself uses in its format-conversion error documents; the
     * {@code processing-failed} documents Firehose writes in AWS carry none of the three.
     */
    public static final String ERROR_SHARD_ID = "shardId";
    /** See {@link #ERROR_SHARD_ID}. */
    public static final String ERROR_SEQUENCE_NUMBER = "sequenceNumber";
    /** See {@link #ERROR_SHARD_ID}. */
    public static final String ERROR_SUB_SEQUENCE_NUMBER = "subSequenceNumber";
    /** Every object name ends with this: Firehose appends it for GZIP compression. */
    public static final String OBJECT_SUFFIX = ".gz";

    private static final Pattern EXPRESSION = Pattern.compile("!\\{(timestamp|firehose):([^}]+)}");
    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);
    private static final Pattern OBJECT_NAME = Pattern.compile(
            "(?<stream>.+)-(?<version>\\d+)-(?<time>\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2})-(?<id>[0-9a-fA-F-]{36})("
                    + Pattern.quote(OBJECT_SUFFIX) + ")?$");

    private final String prefix;
    private final String errorPrefix;
    private final String deliveryStreamName;
    private final int deliveryStreamVersion;

    public ArchiveLayout(String prefix, String errorPrefix, String deliveryStreamName, int deliveryStreamVersion) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.errorPrefix = Objects.requireNonNull(errorPrefix, "errorPrefix");
        this.deliveryStreamName = Objects.requireNonNull(deliveryStreamName, "deliveryStreamName");
        if (deliveryStreamName.isBlank()) {
            throw new IllegalArgumentException("deliveryStreamName is blank");
        }
        if (deliveryStreamVersion < 1) {
            throw new IllegalArgumentException("deliveryStreamVersion must be >= 1, got " + deliveryStreamVersion);
        }
        if (!prefix.contains("!{timestamp:HH}")) {
            // Replay and verify list one prefix per hour; a coarser prefix would make them scan everything.
            throw new IllegalArgumentException("prefix must partition by hour (contain !{timestamp:HH}): " + prefix);
        }
        this.deliveryStreamVersion = deliveryStreamVersion;
    }

    public static ArchiveLayout defaults() {
        return new ArchiveLayout(DEFAULT_PREFIX, DEFAULT_ERROR_PREFIX, DEFAULT_DELIVERY_STREAM_NAME, 1);
    }

    public String prefix() {
        return prefix;
    }

    public String errorPrefix() {
        return errorPrefix;
    }

    public String deliveryStreamName() {
        return deliveryStreamName;
    }

    /** The data prefix for records whose oldest arrival time is {@code arrival}. */
    public String dataPrefixFor(Instant arrival) {
        return render(prefix, arrival, null);
    }

    /** The error prefix for the given error output type (e.g. {@link #PROCESSING_FAILED}). */
    public String errorPrefixFor(Instant arrival, String errorOutputType) {
        return render(errorPrefix, arrival, errorOutputType);
    }

    /** Firehose's object name: {@code <name>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>.gz}. */
    public String objectName(Instant arrival, UUID id) {
        return objectNamePrefix(deliveryStreamName) + deliveryStreamVersion + "-" + NAME_TIME.format(arrival) + "-" + id
                + OBJECT_SUFFIX;
    }

    /** How the names of one delivery stream's objects start ({@code <name>-}): to pick one stream's objects from a listing. */
    public static String objectNamePrefix(String deliveryStreamName) {
        return deliveryStreamName + "-";
    }

    /**
     * The hour partition of {@code arrival} below a root ({@code year=YYYY/month=MM/day=DD/hour=HH/}, UTC), for readers
     * that are given the data root (e.g. {@code s3://bucket/raw/}) rather than the whole prefix.
     */
    public static String hourPartition(Instant arrival) {
        return render(HOUR_PARTITION, arrival, null);
    }

    /**
     * The hour partitions ({@link #hourPartition}) of every hour that overlaps [from, to): what a reader given the data
     * root lists.
     */
    public static List<String> hourPartitions(Instant from, Instant to) {
        return hourly(from, to, ArchiveLayout::hourPartition);
    }

    public String dataObjectKey(Instant arrival, UUID id) {
        return dataPrefixFor(arrival) + objectName(arrival, id);
    }

    public String errorObjectKey(Instant arrival, String errorOutputType, UUID id) {
        return errorPrefixFor(arrival, errorOutputType) + objectName(arrival, id);
    }

    /**
     * The data prefixes of every hour that overlaps [from, to): what replay and verify list. An object lands in the
     * hour of its oldest record's arrival, so callers widen the range by the lateness they tolerate.
     */
    public List<String> hourlyDataPrefixes(Instant from, Instant to) {
        return hourly(from, to, this::dataPrefixFor);
    }

    /** The error prefixes of one error output type for every hour that overlaps [from, to). */
    public List<String> hourlyErrorPrefixes(Instant from, Instant to, String errorOutputType) {
        return hourly(from, to, h -> errorPrefixFor(h, errorOutputType));
    }

    private static List<String> hourly(Instant from, Instant to, java.util.function.Function<Instant, String> render) {
        List<String> out = new ArrayList<>();
        for (Instant h = from.truncatedTo(ChronoUnit.HOURS); h.isBefore(to); h = h.plus(1, ChronoUnit.HOURS)) {
            String p = render.apply(h);
            if (out.isEmpty() || !out.get(out.size() - 1).equals(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * A batch id derived from where the batch starts in the stream, so re-delivering a batch after a crash (before its
     * checkpoint) writes the same key and overwrites the first copy instead of adding a second one.
     */
    public static UUID batchId(String shardId, String firstSequenceNumber, long firstSubSequenceNumber) {
        String identity = shardId + "/" + firstSequenceNumber + "/" + firstSubSequenceNumber;
        return UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8));
    }

    /** True when the last path segment of {@code key} has Firehose's object name shape (any stream name). */
    public static boolean isFirehoseObjectName(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        return OBJECT_NAME.matcher(name).matches();
    }

    private static String render(String template, Instant arrival, String errorOutputType) {
        Matcher m = EXPRESSION.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value;
            if (m.group(1).equals("timestamp")) {
                value = DateTimeFormatter.ofPattern(m.group(2)).withZone(ZoneOffset.UTC).format(arrival);
            } else if (m.group(2).equals("error-output-type")) {
                if (errorOutputType == null) {
                    throw new IllegalArgumentException("!{firehose:error-output-type} is only valid in the error prefix");
                }
                value = errorOutputType;
            } else {
                throw new IllegalArgumentException("unsupported expression " + m.group() + " in " + template);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
