package io.sensorpipe.kinesis;

import io.sensorpipe.schema.Reading;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Benchmarks of the Kinesis source against the endpoint in {@code AWS_ENDPOINT_URL_KINESIS} (the local cloud), in
 * one run, as ratios (docs/BENCHMARKS.md, "Kinesis source"):
 * <ol>
 *   <li>GetRecords calls and bytes per 1,000 readings of an aligned catch-up (plans and tasks exactly as the job
 *       runs them, without Spark's engine) against one sequential pass over the same backlog with the same page
 *       size;</li>
 *   <li>planning time of a batch (the driver's {@code latestOffset}: reading the previous plan's per-shard results,
 *       discovery, alignment) at 8, 64 and 256 shards.</li>
 * </ol>
 * Usage: {@code java -cp ... io.sensorpipe.kinesis.SourceBench [--shards 8,64,256] [--plans 30] [--warmup 2000]
 * [--cap 100] [--seconds 150] [--only reads|planning]}. Streams get random names and are deleted afterwards.
 */
public final class SourceBench {
    private static final int[] DENSITY = {1, 2, 4, 8};

    private SourceBench() {
    }

    public static void main(String[] args) throws Exception {
        int[] shardCounts = {8, 64, 256};
        int plans = 30;
        int cap = 100;
        int seconds = 150;
        int warmup = 2_000;
        String only = "";
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--shards" -> shardCounts = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt)
                        .toArray();
                case "--plans" -> plans = Integer.parseInt(args[i + 1]);
                case "--cap" -> cap = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--only" -> only = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --shards 8,64,256 --plans N --warmup N --cap N --seconds N --only reads|planning)");
            }
        }
        KinesisClient kinesis = KinesisClients.shared();
        Path tmp = Files.createTempDirectory("source-bench");
        StringBuilder report = new StringBuilder();
        if (!only.equals("planning")) {
            report.append(readEfficiency(kinesis, tmp, cap, seconds));
        }
        if (!only.equals("reads")) {
            report.append(planning(kinesis, tmp, shardCounts, plans, warmup));
        }
        System.out.println(report);
    }

    // ---- 1. reads per 1,000 readings

    static String readEfficiency(KinesisClient kinesis, Path tmp, int cap, int seconds) throws Exception {
        String stream = "source-bench-read-" + Long.toHexString(System.nanoTime());
        create(kinesis, stream, DENSITY.length);
        try {
            long t0 = System.currentTimeMillis() - 3_600_000;
            long produced = produce(kinesis, stream, t0, seconds);
            KinesisSourceOptions options = KinesisSourceOptions.from(Map.of(
                    KinesisSourceOptions.STREAM_NAME, stream,
                    KinesisSourceOptions.MAX_RECORDS_PER_SHARD, Integer.toString(cap),
                    KinesisSourceOptions.WATERMARK_DELAY_MS, "2000",
                    KinesisSourceOptions.MAX_FUTURE_SKEW_MS, "60000"));
            SdkKinesisApi driverApi = new SdkKinesisApi(kinesis, options.minGetRecordsIntervalMs());
            KinesisMicroBatchStream source = new KinesisMicroBatchStream(options, driverApi,
                    new BatchMetadataStore(tmp.resolve("read").toUri().toString()));
            ExecutorService executors = Executors.newFixedThreadPool(DENSITY.length);
            ReadAheadBuffer buffer = new ReadAheadBuffer(ReadAheadBuffer.MAX_RECORDS_PER_SHARD,
                    ReadAheadBuffer.MAX_BYTES_PER_SHARD, ReadAheadBuffer.MAX_BYTES_TOTAL); // one executor's
            long calls = 0;
            long bytes = 0;
            long readings = 0;
            int batches = 0;
            KinesisOffset offset = (KinesisOffset) source.initialOffset();
            while (readings < produced && batches < 2_000) {
                KinesisOffset next = (KinesisOffset) source.latestOffset(offset, ReadLimit.allAvailable());
                List<Future<ShardBatchReader.Output>> outs = new ArrayList<>();
                for (InputPartition p : source.planInputPartitions(offset, next)) {
                    ShardTask task = (ShardTask) p;
                    outs.add(executors.submit(() -> {
                        ShardBatchReader.Output out = new ShardBatchReader(
                                new SdkKinesisApi(kinesis, task.minGetRecordsIntervalMs()), System::currentTimeMillis,
                                buffer).read(task);
                        source.reported().add(new ShardResultsAccumulator.Reported(task.plan(), task.shardId(),
                                out.result())); // as the job's reader factory does
                        return out;
                    }));
                }
                for (Future<ShardBatchReader.Output> f : outs) {
                    ShardBatchResult r = f.get().result();
                    calls += r.getRecordsCalls();
                    bytes += r.bytes();
                    readings += f.get().records().size();
                }
                offset = next;
                batches++;
                if (batches % 10 == 0) {
                    System.err.printf("batch %d: %d of %d readings, ceiling %d, floor %d%n", batches, readings, produced,
                            next.ceiling(), next.floor());
                }
            }
            executors.shutdownNow();
            if (readings != produced) {
                throw new IllegalStateException("aligned read returned " + readings + " of " + produced + " readings");
            }
            // One pass over each shard with the same page size: the least any reader can spend.
            SdkKinesisApi single = new SdkKinesisApi(kinesis, 0);
            long singleReadings = 0;
            for (Shard s : single.listShards(stream)) {
                String it = single.shardIterator(GetShardIteratorRequest.builder().streamName(stream)
                        .shardId(s.shardId()).shardIteratorType(ShardIteratorType.TRIM_HORIZON).build());
                while (it != null) {
                    GetRecordsResponse r = single.getRecords(stream, s.shardId(), it, cap);
                    singleReadings += r.records().size();
                    it = r.nextShardIterator();
                    if (r.records().isEmpty() && Long.valueOf(0).equals(r.millisBehindLatest())) {
                        break;
                    }
                }
            }
            double k = produced / 1000.0;
            double callsRatio = (calls / k) / (single.stats().getRecordsCalls() / k);
            double bytesRatio = (double) bytes / single.stats().bytes();
            return String.format("""
                    ### Reads per 1,000 readings (%d shards with %s sensors, %d s backlog, %d readings, cap %d, \
                    watermark delay 2 s)

                    | read | batches | GetRecords calls / 1,000 | bytes / 1,000 |
                    |---|---|---|---|
                    | aligned catch-up (this source) | %d | %.1f | %.0f |
                    | single pass, same page size | - | %.1f | %.0f |
                    | **ratio** | | **%.2fx** | **%.3fx** |

                    """, DENSITY.length, Arrays.toString(DENSITY), seconds, produced, cap, batches, calls / k, bytes / k,
                    single.stats().getRecordsCalls() / k, single.stats().bytes() / k, callsRatio, bytesRatio)
                    + (singleReadings == 0 ? "" : "");
        } finally {
            kinesis.deleteStream(b -> b.streamName(stream));
        }
    }

    private static long produce(KinesisClient kinesis, String stream, long t0, int seconds) throws InterruptedException {
        List<Shard> shards = new ArrayList<>(kinesis.listShards(b -> b.streamName(stream)).shards());
        shards.sort((a, b) -> new BigInteger(a.hashKeyRange().startingHashKey())
                .compareTo(new BigInteger(b.hashKeyRange().startingHashKey())));
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int sec = 0; sec < seconds; sec++) {
            for (int shard = 0; shard < DENSITY.length; shard++) {
                for (int s = 0; s < DENSITY[shard]; s++) {
                    String sensor = "bench/" + shard + "-" + s;
                    entries.add(PutRecordsRequestEntry.builder().partitionKey(sensor)
                            .explicitHashKey(shards.get(shard).hashKeyRange().startingHashKey())
                            .data(SdkBytes.fromByteArray(Reading.of(sensor, "temperature", "bench", t0 + sec * 1000L,
                                    sec, "C").toJsonBytes())).build());
                }
            }
        }
        for (int from = 0; from < entries.size(); from += 500) {
            List<PutRecordsRequestEntry> chunk = entries.subList(from, Math.min(entries.size(), from + 500));
            for (int attempt = 0; ; attempt++) {
                var r = kinesis.putRecords(b -> b.streamName(stream).records(chunk));
                if (r.failedRecordCount() == null || r.failedRecordCount() == 0) {
                    break;
                }
                // a partial failure would reorder a shard; the local cloud does not throttle, so just stop
                throw new IllegalStateException(r.failedRecordCount() + " records failed to put (attempt " + attempt
                        + ")");
            }
        }
        return entries.size();
    }

    // ---- 2. planning time

    static String planning(KinesisClient kinesis, Path tmp, int[] shardCounts, int plans, int warmup)
            throws Exception {
        StringBuilder rows = new StringBuilder();
        double base = 0;
        double baseFiles = 0;
        for (int n : shardCounts) {
            String stream = "source-bench-plan-" + n + "-" + Long.toHexString(System.nanoTime());
            create(kinesis, stream, n);
            try {
                double[] inMemory = planMillis(kinesis, tmp, stream, n, plans, warmup, true);
                double[] files = planMillis(kinesis, tmp, stream, n, plans, warmup, false);
                if (base == 0) {
                    base = inMemory[0];
                    baseFiles = files[0];
                }
                rows.append(String.format("| %d | %.3f | %.3f | %.2fx | %.2f | %.2fx |%n", n, inMemory[0], inMemory[1],
                        inMemory[0] / base, files[0], files[0] / baseFiles));
            } finally {
                kinesis.deleteStream(b -> b.streamName(stream));
            }
        }
        return String.format("""
                ### Batch planning time (driver, `latestOffset`), %d plans per stream after %d untimed, first 5 left out

                | shards | median ms (steady state: results in memory) | p90 ms | median vs %d shards \
                | median ms (results read from the files: first plan after a restart) | vs %d shards |
                |---|---|---|---|---|---|
                %s
                """, plans, warmup, shardCounts[0], shardCounts[0], rows);
    }

    /**
     * Median and p90 ms of {@code plans} plans on a stream of {@code n} shards. {@code reported}: the tasks' results
     * reach the driver in memory, as Spark's accumulator brings them (and are not stored); otherwise every plan
     * reads the stored files.
     *
     * <p>{@code warmup} untimed plans come first, on the same source, with the results in memory and without the
     * pause: a driver plans a batch every trigger for as long as the job runs, so its steady state is compiled code.
     * Without them the timed plans ran in the interpreter (the JIT compiles a method called once per plan after a few
     * hundred calls), and since the shard counts run one after another in one JVM, each later one was timed further
     * along in compilation than the one before.
     */
    private static double[] planMillis(KinesisClient kinesis, Path tmp, String stream, int n, int plans, int warmup,
                                       boolean reported) throws Exception {
        KinesisSourceOptions options = KinesisSourceOptions.from(Map.of(
                KinesisSourceOptions.STREAM_NAME, stream, KinesisSourceOptions.WATERMARK_DELAY_MS, "2000"));
        BatchMetadataStore store = new BatchMetadataStore(
                tmp.resolve("plan-" + n + (reported ? "-mem" : "-files")).toUri().toString());
        KinesisMicroBatchStream source = new KinesisMicroBatchStream(options, new SdkKinesisApi(kinesis, 0), store);
        KinesisOffset offset = (KinesisOffset) source.initialOffset();
        for (int i = 0; i < warmup; i++) {
            KinesisOffset next = (KinesisOffset) source.latestOffset(offset, ReadLimit.allAvailable());
            executorsRead(source, null, next, i);
            offset = next;
        }
        long[] millis = new long[plans];
        for (int i = 0; i < plans; i++) {
            long start = System.nanoTime();
            KinesisOffset next = (KinesisOffset) source.latestOffset(offset, ReadLimit.allAvailable());
            millis[i] = (System.nanoTime() - start) / 1_000;
            // In memory the results only need to be reported: planning does not read the files then. Writing them
            // here (256 files per plan, in this JVM on the driver's cores, just before the next timed plan) made
            // the timed plans bimodal (0.2 vs 2-4 ms at 256 shards); real executors write them elsewhere.
            executorsRead(reported ? source : null, reported ? null : store, next, warmup + i);
            offset = next;
            Thread.sleep(100);
        }
        long[] steady = Arrays.copyOfRange(millis, Math.min(5, plans - 1), plans);
        Arrays.sort(steady);
        System.err.printf("plan us, %d shards, results %s: %s%n", n, reported ? "in memory" : "from files",
                Arrays.toString(millis));
        return new double[] {steady[steady.length / 2] / 1000.0,
            steady[(int) Math.min(steady.length - 1, Math.ceil(steady.length * 0.9) - 1)] / 1000.0};
    }

    /**
     * What the executors store ({@code store}, unless null) and report ({@code source}'s accumulator, unless null)
     * for each shard of {@code plan} they read: a catch-up position, shards spread over 2 s of event time.
     */
    private static void executorsRead(KinesisMicroBatchStream source, BatchMetadataStore store, KinesisOffset plan,
                                      int i) {
        int k = 0;
        for (String shard : plan.shards().keySet()) {
            if (KinesisMicroBatchStream.planned(plan, shard)) {
                long ts = 1_000_000L + i * 1_000L + (k++ % 7) * 300L;
                ShardBatchResult result = new ShardBatchResult(new ShardPosition("4968" + i, false, ts + 1_000, ts,
                        "4969" + i, false, 5_000, null, 0, 10.0), false, null, 10, 10, 1_000, 1, 0);
                if (store != null) {
                    result = store.putIfAbsent(plan.plan(), shard, result);
                }
                if (source != null) {
                    source.reported().add(new ShardResultsAccumulator.Reported(plan.plan(), shard, result));
                }
            }
        }
    }

    private static void create(KinesisClient kinesis, String stream, int shards) throws InterruptedException {
        kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
        for (int i = 0; i < 600; i++) {
            if (kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
                    == StreamStatus.ACTIVE) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("stream " + stream + " did not become ACTIVE");
    }
}
