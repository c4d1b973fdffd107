package io.sensorpipe.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorpipe.testkit.TestCloud;
import io.sensorpipe.cli.aws.CliAwsClients;
import io.sensorpipe.contract.DeadLetterFields;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** Archive and dead-letter counts read from S3 as the pipeline summary sees them. */
class SinkCountsIT {
    private static TestCloud cloud;
    private static CliAwsClients aws;
    private static String BUCKET;
    private static final String PREFIX = "sensorpipe-run-it-";

    @BeforeAll
    static void setUp() {
        cloud = TestCloud.connect();
        aws = new CliAwsClients();
        BUCKET = cloud.createBucket("it-sinkcounts");
    }

    @AfterAll
    static void tearDown() {
        try {
            cloud.close();
        } finally {
            aws.close();
        }
    }

    private static String reading(String sensor, long ts) {
        return "{\"v\":1,\"sensorId\":\"" + sensor + "\",\"type\":\"t\",\"ts\":" + ts + ",\"value\":1.5}";
    }

    private static void put(String key, String... lines) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        aws.s3().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes.toByteArray()));
    }

    @Test
    void overwrittenArchiveObjectIsCountedAgainAndRepeatsCountOnce() throws Exception {
        SinkCounts counts = new SinkCounts(aws.dynamo(), aws.s3(), aws.sqs());
        String prefix = PREFIX + "o-";
        String key = "raw/year=2026/month=11/day=25/hour=12/" + prefix + "1-2026-11-25-12-00-00-a.gz";
        put(key, reading("a", 1), reading("a", 2));
        assertThat(counts.archived(BUCKET, prefix, null)).isEqualTo(new SinkCounts.Archive(2, 2));

        // the bridge re-delivers: same key, more content (one line repeats a reading) → a new ETag
        put(key, reading("a", 1), reading("a", 2), reading("a", 3), reading("a", 1));
        SinkCounts.Archive after = counts.archived(BUCKET, prefix, null);
        assertThat(after.lines()).isEqualTo(4);
        assertThat(after.distinct()).isEqualTo(3);
        assertThat(after.duplicates()).isEqualTo(1);
    }

    @Test
    void readingRepeatedAcrossObjectsCountsOnceAndExcludedSensorIsSkipped() throws Exception {
        SinkCounts counts = new SinkCounts(aws.dynamo(), aws.s3(), aws.sqs());
        String prefix = PREFIX + "x-";
        put("raw/h/" + prefix + "1.gz", reading("b", 10), reading("marker", 99));
        put("raw/h/" + prefix + "2.gz", reading("b", 10), reading("b", 11), "{not a reading");
        SinkCounts.Archive a = counts.archived(BUCKET, prefix, "marker");
        assertThat(a.lines()).isEqualTo(4);
        assertThat(a.distinct()).isEqualTo(3);
    }

    /** A processing-failed line as the archive bridge writes it: Firehose's fields, then the stream position. */
    private static String bridgeErrorLine(long attemptEnding, String sequence, long subSequence) {
        return "{\"attemptsMade\":1,\"arrivalTimestamp\":1000,\"errorCode\":\"Lambda.ProcessingFailedStatus\","
                + "\"errorMessage\":\"empty record\",\"attemptEndingTimestamp\":" + attemptEnding + ",\"rawData\":\"\","
                + "\"lambdaArn\":\"local:sensorpipe-archive-bridge\",\"shardId\":\"shardId-000000000000\","
                + "\"sequenceNumber\":\"" + sequence + "\",\"subSequenceNumber\":" + subSequence + "}";
    }

    @Test
    void identicalBadRecordsAreCountedEachAndARedeliveredOneOnce() throws Exception {
        SinkCounts counts = new SinkCounts(aws.dynamo(), aws.s3(), aws.sqs());
        String prefix = PREFIX + "e-";
        String errors = "errors/processing-failed/year=2026/month=11/day=25/hour=13/";
        // two empty records in one aggregate: the same text but for their sub-sequence numbers
        put(errors + prefix + "1-2026-11-25-13-00-00-a.gz", bridgeErrorLine(2_000, "4960", 0),
                bridgeErrorLine(2_000, "4960", 1));
        // the second re-delivered into another object later: another attempt time, the same position
        put(errors + prefix + "1-2026-11-25-13-00-05-b.gz", bridgeErrorLine(9_000, "4960", 1));
        SinkCounts.Archive a = counts.archived(BUCKET, prefix, null);
        assertThat(a.lines()).isEqualTo(3);
        assertThat(a.distinct()).isEqualTo(2);
    }

    /** A dead-letter line as the streaming job writes it ({@code DeadLetter}: the fields of {@link DeadLetterFields}). */
    private static String letter(String reason, String sensor, String sequence, long subSequence) {
        return "{\"" + DeadLetterFields.REASON + "\":\"" + reason + "\",\"message\":\"m\",\"data\":\"e30=\","
                + "\"stream\":\"s\",\"" + DeadLetterFields.SHARD_ID + "\":\"shardId-000000000001\",\""
                + DeadLetterFields.SEQUENCE_NUMBER + "\":\"" + sequence + "\",\"" + DeadLetterFields.SUB_SEQUENCE_NUMBER
                + "\":" + subSequence + (sensor == null ? "" : ",\"" + DeadLetterFields.SENSOR_ID + "\":\"" + sensor + "\"")
                + ",\"time\":\"2026-12-05T00:00:00Z\"}";
    }

    private static void putPlain(String key, String... lines) {
        aws.s3().putObject(b -> b.bucket(BUCKET).key(key),
                RequestBody.fromString(String.join("\n", lines) + "\n", StandardCharsets.UTF_8));
    }

    @Test
    void deadLettersAreCountedByKindFromTheObjectsTheJobWrote() {
        SinkCounts counts = new SinkCounts(aws.dynamo(), aws.s3(), aws.sqs());
        String prefix = "dead-letters/run-it-" + System.nanoTime() + "/";
        String part = prefix + "day=2026-12-05/job-batch-000000000007-part-00000.jsonl";
        putPlain(part, letter("LATE", "a", "100", 0), letter("LATE", "a", "100", 1),
                letter("DUPLICATE", "a", "101", 0), letter("MALFORMED_JSON", null, "102", 0),
                letter("MALFORMED_JSON", null, "102", 1), letter("LATE", "sensorpipe/marker", "103", 0));
        // the same record lettered again in a later batch (read again after a failure): once
        putPlain(prefix + "day=2026-12-05/job-batch-000000000009-part-00001.jsonl", letter("LATE", "a", "100", 1));
        // another run's letters are not this run's
        putPlain("dead-letters/run-other/day=2026-12-05/job-batch-000000000001-part-00000.jsonl",
                letter("LATE", "a", "200", 0));
        assertThat(counts.deadLetters(BUCKET, prefix, "sensorpipe/marker"))
                .isEqualTo(new SinkCounts.DeadLetters(2, 1, 2));

        // a re-run batch overwrites its object: the count follows what S3 holds
        putPlain(part, letter("LATE", "a", "100", 0), letter("DUPLICATE", "a", "101", 0));
        assertThat(counts.deadLetters(BUCKET, prefix, null)).isEqualTo(new SinkCounts.DeadLetters(2, 1, 0));

        putPlain(prefix + "day=2026-12-05/stray.jsonl", "{\"note\":\"not a letter\"}");
        assertThatThrownBy(() -> counts.deadLetters(BUCKET, prefix, null))
                .hasMessageContaining("stray.jsonl").hasMessageContaining("without a reason");
    }
}
