package io.sensorpipe.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/** How archive lines are counted (no services: an in-memory bucket). {@code SinkCountsIT} reads a real S3. */
class SinkCountsTest {
    private static final String NAME = "sensorpipe-run-t-";
    private static final String ERRORS = "errors/processing-failed/year=2026/month=11/day=25/hour=13/";

    /** A processing-failed line as the archive bridge writes it: Firehose's fields, then the stream position. */
    private static String bridgeErrorLine(String rawBase64, long arrival, long attemptEnding, String sequence,
                                          long subSequence) {
        return firehoseErrorLine(rawBase64, arrival, attemptEnding).replaceFirst("}$",
                ",\"shardId\":\"shardId-000000000000\",\"sequenceNumber\":\"" + sequence
                        + "\",\"subSequenceNumber\":" + subSequence + "}");
    }

    /** A processing-failed line as Firehose writes it in AWS: no stream position. */
    private static String firehoseErrorLine(String rawBase64, long arrival, long attemptEnding) {
        return "{\"attemptsMade\":1,\"arrivalTimestamp\":" + arrival + ",\"errorCode\":\"Lambda.ProcessingFailedStatus\","
                + "\"errorMessage\":\"empty record\",\"attemptEndingTimestamp\":" + attemptEnding + ",\"rawData\":\""
                + rawBase64 + "\",\"lambdaArn\":\"local:sensorpipe-archive-bridge\"}";
    }

    private static String reading(String sensor, long ts) {
        return "{\"v\":1,\"sensorId\":\"" + sensor + "\",\"type\":\"t\",\"ts\":" + ts + ",\"value\":1.5}";
    }

    @Test
    void twoIdenticalBadRecordsInOneAggregateAreBothCounted() {
        InMemoryS3 s3 = new InMemoryS3();
        // one aggregate: same sequence number and arrival time, rejected in the same bridge millisecond
        s3.put(ERRORS + NAME + "1-2026-11-25-13-00-00-a.gz",
                bridgeErrorLine("", 1_000, 2_000, "4960", 0),
                bridgeErrorLine("", 1_000, 2_000, "4960", 1));
        s3.put("raw/year=2026/month=11/day=25/hour=13/" + NAME + "1-2026-11-25-13-00-00-b.gz", reading("a", 1));

        assertThat(new SinkCounts(null, s3, null).archived("b", NAME, null)).isEqualTo(new SinkCounts.Archive(3, 3));
    }

    @Test
    void aReDeliveredErrorLineIsCountedOnce() {
        InMemoryS3 s3 = new InMemoryS3();
        // written, not checkpointed; re-delivered later into a batch that starts elsewhere, so another object
        s3.put(ERRORS + NAME + "1-2026-11-25-13-00-00-a.gz", bridgeErrorLine("bm9wZQ==", 1_000, 2_000, "4960", 3));
        s3.put(ERRORS + NAME + "1-2026-11-25-13-00-00-b.gz", bridgeErrorLine("bm9wZQ==", 1_000, 9_000, "4960", 3));

        SinkCounts.Archive a = new SinkCounts(null, s3, null).archived("b", NAME, null);
        assertThat(a).isEqualTo(new SinkCounts.Archive(2, 1));
        assertThat(a.duplicates()).isEqualTo(1);
    }

    @Test
    void errorLinesFirehoseWroteWithoutAPositionAreIdentifiedByTheirText() {
        String line = firehoseErrorLine("", 1_000, 2_000);
        assertThat(SinkCounts.identity(line)).isEqualTo(SinkCounts.identity(line))
                .isNotEqualTo(SinkCounts.identity(firehoseErrorLine("", 1_000, 2_001)));
        assertThat(SinkCounts.identity(line)).isNotEqualTo(SinkCounts.identity(bridgeErrorLine("", 1_000, 2_000, "1", 0)));
    }

    @Test
    void aReadingIsIdentifiedBySensorAndTimeWhereverItIs() {
        assertThat(SinkCounts.identity(reading("a", 1))).isEqualTo(SinkCounts.identity(reading("a", 1) + " "))
                .isNotEqualTo(SinkCounts.identity(reading("a", 2)));
    }

    /** Just what {@link SinkCounts#archived} calls: list (one page) and get; the ETag changes with the content. */
    private static final class InMemoryS3 implements S3Client {
        private final Map<String, byte[]> objects = new LinkedHashMap<>();

        void put(String key, String... lines) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
                gz.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            objects.put(key, bytes.toByteArray());
        }

        @Override
        public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
            return ListObjectsV2Response.builder().isTruncated(false)
                    .contents(objects.entrySet().stream().map(e -> S3Object.builder().key(e.getKey())
                            .eTag("\"" + Integer.toHexString(Arrays.hashCode(e.getValue())) + "\"").build()).toList())
                    .build();
        }

        @Override
        public ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request) {
            return new ResponseInputStream<>(GetObjectResponse.builder().build(),
                    AbortableInputStream.create(new ByteArrayInputStream(objects.get(request.key()))));
        }

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {
        }
    }
}
