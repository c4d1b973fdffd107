package io.sensorpipe.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.aws.ResultItemValues;
import io.sensorpipe.job.JobAwsClients;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.ReadingCodec;
import io.sensorpipe.schema.WindowResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.kpl.Messages;

/**
 * A catch-up scenario on the local cloud: a stream whose shards get readings of known sensors (so the truth per
 * window is known), and the streaming job run as a child JVM (so a test can {@code kill -9} it) on a checkpoint.
 */
final class CatchUpCloud implements AutoCloseable {
    static final long WINDOW_MS = 5_000;
    static final long WATERMARK_MS = 2_000;

    private final io.sensorpipe.testkit.TestCloud cloud = io.sensorpipe.testkit.TestCloud.connect();
    final String suffix = Long.toHexString(System.nanoTime());
    final String stream = "src-it-" + suffix;
    final String table = "src-it-results-" + suffix;
    final KinesisClient kinesis = KinesisClients.shared();
    final JobAwsClients aws = new JobAwsClients();
    final Path dir;
    /** sensor@windowStart → values, of every reading put (sentinels excluded). */
    final Map<String, List<Double>> expected = new TreeMap<>();
    long produced;
    final long t0 = (System.currentTimeMillis() - 20 * 60_000) / WINDOW_MS * WINDOW_MS;

    CatchUpCloud(Path dir, int shards) throws InterruptedException {
        // the test kit's checks: every endpoint loopback and answering (never a billed stream by accident)
        cloud.close();
        this.dir = dir;
        createStream(shards);
    }

    void createStream(int shards) throws InterruptedException {
        kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
        awaitActive();
    }

    void awaitActive() throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
                    == StreamStatus.ACTIVE) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("stream " + stream + " did not become ACTIVE");
    }

    /** Open shards (no ending sequence number), in hash-key order. */
    List<Shard> openShards() {
        return kinesis.listShards(b -> b.streamName(stream)).shards().stream()
                .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
                .sorted((a, b) -> new BigInteger(a.hashKeyRange().startingHashKey())
                        .compareTo(new BigInteger(b.hashKeyRange().startingHashKey())))
                .toList();
    }

    /**
     * One reading per second for seconds [from, to) after t0 of {@code sensors[i]} sensors on the i-th open shard
     * (unequal densities), plain or, for shards in {@code aggregated}, as one KPL aggregate per second.
     */
    void produce(int from, int to, int[] sensors, boolean[] aggregated, String tag) throws Exception {
        List<Shard> open = openShards();
        assertThat(open).hasSize(sensors.length);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int sec = from; sec < to; sec++) {
            long ts = t0 + sec * 1_000L;
            for (int shard = 0; shard < sensors.length; shard++) {
                String hashKey = open.get(shard).hashKeyRange().startingHashKey();
                List<byte[]> batch = new ArrayList<>();
                List<String> keys = new ArrayList<>();
                for (int s = 0; s < sensors[shard]; s++) {
                    String sensor = "it/" + tag + "-" + shard + "-" + s;
                    double value = shard * 1000 + s * 100 + sec;
                    expected.computeIfAbsent(sensor + "@" + (ts / WINDOW_MS * WINDOW_MS), k -> new ArrayList<>())
                            .add(value);
                    produced++;
                    batch.add(Reading.of(sensor, "temperature", "it", ts, value, "C").toJsonBytes());
                    keys.add(sensor);
                }
                if (batch.isEmpty()) {
                    continue;
                }
                if (aggregated != null && aggregated[shard]) {
                    entries.add(entry(kplAggregate(batch, keys), keys.get(0), hashKey));
                } else {
                    for (int i = 0; i < batch.size(); i++) {
                        entries.add(entry(batch.get(i), keys.get(i), hashKey));
                    }
                }
            }
        }
        put(entries);
    }

    /**
     * One reading per second for seconds [from, to) of {@code sensors} sensors routed by their partition key (the
     * sensor id), as the producer does: after a reshard a sensor lands on a child of its former shard.
     */
    void produceByKey(int from, int to, int sensors, String tag) throws InterruptedException {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int sec = from; sec < to; sec++) {
            long ts = t0 + sec * 1_000L;
            for (int s = 0; s < sensors; s++) {
                String sensor = "it/" + tag + "-" + s;
                double value = s * 100 + sec;
                expected.computeIfAbsent(sensor + "@" + (ts / WINDOW_MS * WINDOW_MS), k -> new ArrayList<>()).add(value);
                produced++;
                entries.add(PutRecordsRequestEntry.builder().partitionKey(sensor)
                        .data(SdkBytes.fromByteArray(Reading.of(sensor, "temperature", "it", ts, value, "C").toJsonBytes()))
                        .build());
            }
        }
        put(entries);
    }

    /** Forgets the truth so far (a test that starts a new phase with new sensors). */
    void resetExpected() {
        expected.clear();
        produced = 0;
    }

    /** A reading of a sentinel sensor far ahead on every open shard: closes every window before it. */
    void sentinels(int atSecond) throws InterruptedException {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        List<Shard> open = openShards();
        for (int shard = 0; shard < open.size(); shard++) {
            String sensor = "it/sentinel-" + shard;
            entries.add(entry(Reading.of(sensor, "temperature", "it", t0 + atSecond * 1_000L, 0, "C").toJsonBytes(),
                    sensor, open.get(shard).hashKeyRange().startingHashKey()));
        }
        put(entries);
    }

    private static PutRecordsRequestEntry entry(byte[] data, String key, String hashKey) {
        return PutRecordsRequestEntry.builder().data(SdkBytes.fromByteArray(data)).partitionKey(key)
                .explicitHashKey(hashKey).build();
    }

    private void put(List<PutRecordsRequestEntry> all) throws InterruptedException {
        for (int from = 0; from < all.size(); from += 500) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>(all.subList(from, Math.min(all.size(), from + 500)));
            for (int attempt = 0; !entries.isEmpty(); attempt++) {
                assertThat(attempt).as("PutRecords attempts").isLessThan(20);
                List<PutRecordsRequestEntry> sent = List.copyOf(entries);
                PutRecordsResponse r = kinesis.putRecords(b -> b.streamName(stream).records(sent));
                entries.clear();
                for (int i = 0; i < r.records().size(); i++) {
                    if (r.records().get(i).errorCode() != null) {
                        entries.add(sent.get(i)); // retried in order: per-shard order is what the test relies on
                    }
                }
                if (!entries.isEmpty()) {
                    Thread.sleep(200);
                }
            }
        }
    }

    /** A KPL-aggregated record: magic, AggregatedRecord protobuf, MD5 of the protobuf. */
    static byte[] kplAggregate(List<byte[]> userRecords, List<String> partitionKeys) throws Exception {
        Messages.AggregatedRecord.Builder agg = Messages.AggregatedRecord.newBuilder();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < userRecords.size(); i++) {
            int idx = keys.indexOf(partitionKeys.get(i));
            if (idx < 0) {
                keys.add(partitionKeys.get(i));
                agg.addPartitionKeyTable(partitionKeys.get(i));
                idx = keys.size() - 1;
            }
            agg.addRecords(Messages.Record.newBuilder().setPartitionKeyIndex(idx)
                    .setData(ByteString.copyFrom(userRecords.get(i))));
        }
        byte[] body = agg.build().toByteArray();
        byte[] md5 = MessageDigest.getInstance("MD5").digest(body);
        byte[] magic = AggregatorUtil.AGGREGATED_RECORD_MAGIC;
        byte[] out = new byte[magic.length + body.length + md5.length];
        System.arraycopy(magic, 0, out, 0, magic.length);
        System.arraycopy(body, 0, out, magic.length, body.length);
        System.arraycopy(md5, 0, out, magic.length + body.length, md5.length);
        return out;
    }

    // ---- the job as a child JVM

    /** Starts the job (its own JVM, output to {@code dir/job-N.log}) with the scenario's settings plus {@code extra}. */
    Process startJob(int maxRecordsPerShard, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports")
                        || a.startsWith("-Djdk.reflect") || a.startsWith("-XX:+IgnoreUnrecognized"))
                .forEach(cmd::add);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.sensorpipe.job.StreamingJobMain");
        cmd.addAll(List.of(JobOptions.STREAM, stream, JobOptions.TABLE, table,
                JobOptions.CHECKPOINT, dir.resolve("checkpoint").toString(),
                JobOptions.DEAD_LETTER_DIR, dir.resolve("dead").toString(),
                JobOptions.METRICS_FILE, dir.resolve("metrics.json").toString(),
                JobOptions.WINDOW, WINDOW_MS + "ms", JobOptions.WATERMARK, WATERMARK_MS + "ms",
                JobOptions.TRIGGER, "500ms", JobOptions.SHUFFLE_PARTITIONS, "2", JobOptions.WARMUP_WINDOWS, "4",
                JobOptions.MAX_RECORDS_PER_SHARD, Integer.toString(maxRecordsPerShard),
                JobOptions.INITIAL_POSITION, "TRIM_HORIZON", JobOptions.CREATE_RESOURCES));
        cmd.addAll(List.of(extra));
        Path log = dir.resolve("job-" + System.nanoTime() + ".log");
        lastLog = log;
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    Path lastLog;

    String log() throws IOException {
        return lastLog == null ? "" : Files.readString(lastLog);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> metrics() throws IOException {
        Path f = dir.resolve("metrics.json");
        return Files.exists(f) ? ReadingCodec.MAPPER.readValue(f.toFile(), Map.class) : Map.of();
    }

    long metric(String name) throws IOException {
        Object v = metrics().get(name);
        return v == null ? 0 : ((Number) v).longValue();
    }

    /** Windows written so far (excluding sentinels' windows, which never close). */
    Map<String, WindowResult> windows() {
        return windows("it/");
    }

    /** Windows written so far of sensors whose id starts with {@code prefix}. */
    Map<String, WindowResult> windows(String prefix) {
        Map<String, WindowResult> out = new HashMap<>();
        try {
            aws.dynamo().scanPaginator(b -> b.tableName(table)).items().forEach(item -> {
                WindowResult i = ResultItemValues.fromItem(item);
                if (!i.sensorId().startsWith("it/sentinel") && i.sensorId().startsWith(prefix)) {
                    assertThat(out.put(i.sensorId() + "@" + i.windowStart(), i)).as("one item per window").isNull();
                }
            });
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
            return out; // the job creates the table on start
        }
        return out;
    }

    /** Dead letters written so far, parsed. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> deadLetters() throws IOException {
        Path d = dir.resolve("dead");
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.exists(d)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(d)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        out.add(ReadingCodec.MAPPER.readValue(line, Map.class));
                    }
                }
            }
        }
        return out;
    }

    long deadLetters(String reason) throws IOException {
        return deadLetters().stream().filter(l -> reason.equals(String.valueOf(l.get("reason")))).count();
    }

    /** Waits until every expected window is written (or the job died / time ran out). */
    void awaitAllWindows(Process job, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (windows("it/").keySet().containsAll(expected.keySet())) {
                return;
            }
            if (!job.isAlive()) {
                throw new AssertionError("job exited with " + job.exitValue() + " before all windows were written:\n"
                        + tail(log()));
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("timed out: " + windows().size() + " of " + expected.size() + " windows written; "
                + "metrics " + metrics() + "\n" + tail(log()));
    }

    static String tail(String log) {
        String[] lines = log.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 40), lines.length));
    }

    /** Every window holds exactly its readings, and the window counts add up to the readings produced. */
    void assertWindowsExact() {
        assertWindowsExact("it/");
    }

    /** As {@link #assertWindowsExact()}, for the sensors whose id starts with {@code prefix}. */
    void assertWindowsExact(String prefix) {
        Map<String, WindowResult> byKey = windows(prefix);
        assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        long total = 0;
        for (Map.Entry<String, List<Double>> e : expected.entrySet()) {
            WindowResult w = byKey.get(e.getKey());
            assertThat(w.count()).as("count of " + e.getKey()).isEqualTo(e.getValue().size());
            assertThat(w.mean()).as("mean of " + e.getKey())
                    .isCloseTo(e.getValue().stream().mapToDouble(d -> d).average().orElseThrow(),
                            org.assertj.core.api.Assertions.within(1e-9));
            total += w.count();
        }
        assertThat(total).as("window counts add up to the readings").isEqualTo(produced);
    }

    /** Waits until the job's metrics file counts at least {@code records} read. */
    void awaitRecordsRead(Process job, long records, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (metric("recordsRead") >= records) {
                return;
            }
            if (!job.isAlive()) {
                throw new AssertionError("job exited with " + job.exitValue() + "\n" + tail(log()));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + records + " records read; metrics " + metrics());
    }

    void deleteStreamAndWait() throws InterruptedException {
        kinesis.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true));
        for (int i = 0; i < 600; i++) {
            try {
                kinesis.describeStreamSummary(b -> b.streamName(stream));
            } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException gone) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("stream " + stream + " was not deleted");
    }

    static void stop(Process job) throws InterruptedException {
        if (job.isAlive()) {
            job.destroyForcibly();
            job.waitFor();
        }
    }

    @Override
    public void close() {
        try {
            kinesis.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true));
        } catch (RuntimeException ignored) {
            // best effort: names are unique per run
        }
        try {
            aws.dynamo().deleteTable(b -> b.tableName(table));
        } catch (RuntimeException ignored) {
            // the job may not have created it
        }
        aws.close();
    }
}
