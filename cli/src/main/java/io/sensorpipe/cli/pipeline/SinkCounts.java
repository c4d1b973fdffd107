package io.sensorpipe.cli.pipeline;

import io.sensorpipe.backtest.DetectionCounts;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.sensorpipe.contract.ArchiveGzip;
import io.sensorpipe.contract.ArchiveLayout;
import io.sensorpipe.contract.DeadLetterFields;
import io.sensorpipe.schema.ReadingCodec;
import io.sensorpipe.schema.ResultItem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Counts one run's output by reading the sinks themselves, not the components' own claims: windows the run wrote
 * to DynamoDB ({@code processedAt} at or after the run start), archive lines in S3 (objects named after the run's
 * delivery stream), the streaming job's dead letters in S3 (under the run's prefix), and alert messages on the run's
 * own SQS subscription.
 */
public final class SinkCounts {
    private final DynamoDbClient dynamo;
    private final S3Client s3;
    private final SqsClient sqs;
    /**
     * Reading identities of each archive object, read once per version: the archive bridge overwrites a key when
     * the stream re-delivers its records, so a cached count is only valid for the ETag it was read at.
     */
    private final Map<String, ArchiveObject> archiveObjects = new HashMap<>();

    private record ArchiveObject(String eTag, List<String> identities) {
    }

    /**
     * Archive lines ({@code lines}) and distinct records in them ({@code distinct}; see {@link #identity}: a reading
     * by sensorId and ts, an error line by the stream position the bridge writes into it). The archive legitimately
     * holds the stream's duplicates (a producer retry of a stored record) and re-delivered copies, so
     * {@code distinct} is what matches the produced count.
     */
    public record Archive(long lines, long distinct) {
        public long duplicates() {
            return lines - distinct;
        }
    }

    public SinkCounts(DynamoDbClient dynamo, S3Client s3, SqsClient sqs) {
        this.dynamo = dynamo;
        this.s3 = s3;
        this.sqs = sqs;
    }

    /** The run's windows: items, readings in them (sum of count), anomalous ones, newest window end. */
    public record Windows(long windows, long readings, long anomalies, long newestWindowEnd) {
    }

    public Windows windows(String table, long processedSince) {
        return windows(table, processedSince, null);
    }

    /** As {@link #windows(String, long)}, leaving out the windows of {@code excludedSensor} (e.g. an end-of-input marker). */
    public Windows windows(String table, long processedSince, String excludedSensor) {
        long[] t = new long[4];
        Map<String, String> names = new java.util.HashMap<>(Map.of("#p", ResultItem.PROCESSED_AT,
                "#c", ResultItem.COUNT, "#a", ResultItem.ANOMALY, "#e", ResultItem.WINDOW_END));
        Map<String, AttributeValue> values = new java.util.HashMap<>(
                Map.of(":since", AttributeValue.fromN(Long.toString(processedSince))));
        String filter = "#p >= :since";
        if (excludedSensor != null) {
            filter += " AND #s <> :excluded";
            names.put("#s", ResultItem.SENSOR_ID);
            values.put(":excluded", AttributeValue.fromS(excludedSensor));
        }
        String f = filter;
        dynamo.scanPaginator(r -> r.tableName(table)
                        .filterExpression(f)
                        .projectionExpression("#c, #a, #e")
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values))
                .items().forEach(i -> {
                    t[0]++;
                    t[1] += number(i.get(ResultItem.COUNT));
                    AttributeValue a = i.get(ResultItem.ANOMALY);
                    if (a != null && Boolean.TRUE.equals(a.bool())) {
                        t[2]++;
                    }
                    t[3] = Math.max(t[3], number(i.get(ResultItem.WINDOW_END)));
                });
        return new Windows(t[0], t[1], t[2], t[3]);
    }

    /** The run's anomalous windows (written at or after {@code processedSince}), with the detector part that fired. */
    public List<DetectionCounts.Flag> flags(String table, long processedSince) {
        List<DetectionCounts.Flag> out = new ArrayList<>();
        dynamo.scanPaginator(r -> r.tableName(table)
                        .filterExpression("#p >= :since AND #a = :true")
                        .projectionExpression("#s, #ws, #e, #d")
                        .expressionAttributeNames(Map.of("#p", ResultItem.PROCESSED_AT, "#a", ResultItem.ANOMALY,
                                "#s", ResultItem.SENSOR_ID, "#ws", ResultItem.WINDOW_START, "#e", ResultItem.WINDOW_END,
                                "#d", ResultItem.DETECTOR))
                        .expressionAttributeValues(Map.of(":since", AttributeValue.fromN(Long.toString(processedSince)),
                                ":true", AttributeValue.fromBool(true))))
                .items().forEach(i -> {
                    AttributeValue d = i.get(ResultItem.DETECTOR);
                    out.add(new DetectionCounts.Flag(i.get(ResultItem.SENSOR_ID).s(),
                            number(i.get(ResultItem.WINDOW_START)), number(i.get(ResultItem.WINDOW_END)),
                            d == null ? null : d.s()));
                });
        return out;
    }

    /**
     * Lines (= readings, one JSON reading a line) in the bucket's GZIP objects named {@code <objectNamePrefix>...},
     * good and rejected records alike (Firehose archives both), except lines of {@code excludedSensorId}.
     */
    public Archive archived(String bucket, String objectNamePrefix, String excludedSensorId) {
        long lines = 0;
        Set<String> distinct = new HashSet<>();
        Set<String> listed = new HashSet<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()) {
            String name = o.key().substring(o.key().lastIndexOf('/') + 1);
            if (!name.startsWith(objectNamePrefix)) {
                continue;
            }
            listed.add(o.key());
            ArchiveObject cached = archiveObjects.get(o.key());
            if (cached == null || o.eTag() == null || !o.eTag().equals(cached.eTag())) {
                cached = new ArchiveObject(o.eTag(), readIdentities(bucket, o.key(), excludedSensorId));
                archiveObjects.put(o.key(), cached);
            }
            lines += cached.identities().size();
            distinct.addAll(cached.identities());
        }
        archiveObjects.keySet().retainAll(listed);
        return new Archive(lines, distinct.size());
    }

    /**
     * The streaming job's dead letters in S3, by kind: {@code late} ({@link DeadLetterFields#LATE}), {@code duplicates}
     * ({@link DeadLetterFields#DUPLICATE}) and {@code invalid} (every other reason: records the parser rejected).
     */
    public record DeadLetters(long late, long duplicates, long invalid) {
    }

    /** The kind of every letter that is neither LATE nor DUPLICATE. */
    private static final String INVALID = "invalid";

    /**
     * Counts the dead-letter lines under {@code prefix} (the job's objects, {@link DeadLetterFields}). A re-run batch
     * overwrites its own objects, so a line is a letter; one stream record lettered twice for the same reason (read
     * again after a failure) counts once, by its stream position. A line that is not a letter (no reason) fails the
     * count, since it cannot be checked. Letters naming {@code excludedSensorId} (the pipeline's own marker) are skipped;
     * a rejected record names no sensor, so a rejected marker would still count.
     */
    public DeadLetters deadLetters(String bucket, String prefix, String excludedSensorId) {
        Map<String, Set<String>> byKind = new HashMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
            try (var in = s3.getObject(r -> r.bucket(bucket).key(o.key()));
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode n;
                    try {
                        n = ReadingCodec.MAPPER.readTree(line);
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("s3://" + bucket + "/" + o.key() + " holds a line that is not"
                                + " JSON: " + abbreviate(line), e);
                    }
                    String reason = n.path(DeadLetterFields.REASON).asText("");
                    if (excludedSensorId != null && excludedSensorId.equals(n.path(DeadLetterFields.SENSOR_ID).asText())) {
                        continue;
                    }
                    if (reason.isEmpty()) {
                        throw new IllegalStateException("s3://" + bucket + "/" + o.key() + " holds a line without a "
                                + DeadLetterFields.REASON + ": " + abbreviate(line));
                    }
                    String kind = DeadLetterFields.LATE.equals(reason) || DeadLetterFields.DUPLICATE.equals(reason)
                            ? reason : INVALID;
                    // without a position (letters of --source aws-kinesis, which has no shard column) the line is
                    // the identity; it holds the batch time, so such a record re-read in another batch counts twice
                    boolean positioned = n.hasNonNull(DeadLetterFields.SHARD_ID)
                            && n.hasNonNull(DeadLetterFields.SEQUENCE_NUMBER);
                    String identity = reason + '\u0000' + (positioned
                            ? n.get(DeadLetterFields.SHARD_ID).asText() + '\u0000'
                                    + n.get(DeadLetterFields.SEQUENCE_NUMBER).asText() + '\u0000'
                                    + n.path(DeadLetterFields.SUB_SEQUENCE_NUMBER).asText("")
                            : line.strip());
                    byKind.computeIfAbsent(kind, k -> new HashSet<>()).add(identity);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read s3://" + bucket + "/" + o.key(), e);
            }
        }
        return new DeadLetters(byKind.getOrDefault(DeadLetterFields.LATE, Set.of()).size(),
                byKind.getOrDefault(DeadLetterFields.DUPLICATE, Set.of()).size(),
                byKind.getOrDefault(INVALID, Set.of()).size());
    }

    private static String abbreviate(String line) {
        return line.length() <= 120 ? line : line.substring(0, 120) + "...";
    }

    /** Lines in the archive objects (see {@link #archived}), duplicates included. */
    public long archivedLines(String bucket, String objectNamePrefix, String excludedSensorId) {
        return archived(bucket, objectNamePrefix, excludedSensorId).lines();
    }

    private List<String> readIdentities(String bucket, String key, String excludedSensorId) {
        try (var in = s3.getObject(r -> r.bucket(bucket).key(key));
             BufferedReader reader = new BufferedReader(new InputStreamReader(
                     key.endsWith(".gz") ? ArchiveGzip.open(in) : in, StandardCharsets.UTF_8))) {
            List<String> ids = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank() && (excludedSensorId == null || !line.contains(excludedSensorId))) {
                    ids.add(identity(line));
                }
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read s3://" + bucket + "/" + key, e);
        }
    }

    /**
     * The identity an archive line is counted by, the same for every copy of one record (re-delivery, producer retry)
     * and different for two records:
     * <ul>
     *   <li>a reading: (sensorId, ts), its natural key;</li>
     *   <li>an error document with a stream position (the archive bridge adds {@code shardId}, {@code sequenceNumber},
     *       {@code subSequenceNumber}): that position. The rest of the line is no identity: two identical rejected
     *       records of one KPL aggregate or PutRecords call share rawData, arrival time and often the bridge's
     *       millisecond, while a re-delivered copy has a later {@code attemptEndingTimestamp};</li>
     *   <li>anything else, including the error documents Firehose writes in AWS (they carry no position): the line's
     *       text. For those, identical rejected records in one aggregate still count once, as before the bridge
     *       wrote positions.</li>
     * </ul>
     */
    static String identity(String line) {
        try {
            JsonNode n = ReadingCodec.MAPPER.readTree(line);
            if (n != null && n.isObject()) {
                if (n.path("sensorId").isTextual() && n.path("ts").isIntegralNumber()) {
                    return n.get("sensorId").asText() + '\u0000' + n.get("ts").asLong();
                }
                JsonNode shard = n.path(ArchiveLayout.ERROR_SHARD_ID);
                JsonNode sequence = n.path(ArchiveLayout.ERROR_SEQUENCE_NUMBER);
                JsonNode subSequence = n.path(ArchiveLayout.ERROR_SUB_SEQUENCE_NUMBER);
                if (n.has("rawData") && shard.isTextual() && sequence.isTextual() && subSequence.isIntegralNumber()) {
                    return "position\u0000" + shard.asText() + '\u0000' + sequence.asText() + '\u0000'
                            + subSequence.asLong();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: falls through to the line itself
        }
        return "line\u0000" + line.strip();
    }

    /** Messages on a queue nobody else reads (visible + in flight). */
    public long queueMessages(String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
                + Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"));
    }

    private static long number(AttributeValue v) {
        if (v == null || v.n() == null) {
            return 0;
        }
        String n = v.n();
        return n.contains(".") || n.contains("E") || n.contains("e") ? (long) Double.parseDouble(n) : Long.parseLong(n);
    }
}
