package io.sensorpipe.producer;

import io.sensorpipe.schema.Reading;
import io.sensorpipe.source.Simulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Benchmark (not a test): the same simulated readings through the KPL writer (aggregated) and through the plain
 * SDK v2 PutRecords writer, each into its own fresh stream, in one run. Prints records/s and Kinesis API calls
 * per 1,000 readings as KPL-vs-baseline ratios, and bytes per Kinesis record against the per-shard limits.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = "Compares the KPL writer with the plain SDK v2 PutRecords writer on the same input.")
public final class BenchCommand implements Callable<Integer> {
    private static final double SHARD_BYTES_PER_SECOND = 1024 * 1024;
    private static final double SHARD_RECORDS_PER_SECOND = 1000;

    @ParentCommand
    ProducerCommand parent;

    @Option(names = "--records", defaultValue = "10000", description = "Readings per writer (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--sensors", defaultValue = "100", description = "Simulated sensors (default ${DEFAULT-VALUE}).")
    int sensors;

    @Option(names = "--shards", defaultValue = "2", description = "Shards of each bench stream (default ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--seed", defaultValue = "7", description = "Simulator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--markdown", description = "Also append the result table to this Markdown file.")
    Path markdown;

    @Option(names = "--keep-streams", description = "Do not delete the two bench streams afterwards.")
    boolean keepStreams;

    @Mixin
    KplOptions kpl;

    /** Measured numbers of one writer. */
    record Result(ProducerReport report, long kinesisRecords, long kinesisBytes) {
        double callsPer1000() {
            return report.kinesisCalls() * 1000.0 / report.produced();
        }

        double bytesPerKinesisRecord() {
            return kinesisRecords == 0 ? 0 : (double) kinesisBytes / kinesisRecords;
        }
    }

    @Override
    public Integer call() throws Exception {
        Simulator sim = new Simulator(Simulator.Settings.forRate(sensors, seed, 1_764_072_000_000L, sensors, 0.002), l -> { });
        List<Reading> input = sim.take(records);
        String suffix = Long.toString(System.currentTimeMillis() % 10_000_000, 36);
        ProducerConfig base = kpl.toConfig("bench-kpl-" + suffix, Path.of("runs", "bench-" + suffix, "failures.jsonl"),
                System.getenv());
        try (KinesisClient sdk = ProducerAwsClients.kinesis(base.region())) {
            ProducerConfig kplConfig = base;
            ProducerConfig sdkConfig = kpl.toConfig("bench-sdk-" + suffix,
                    Path.of("runs", "bench-" + suffix, "failures-sdk.jsonl"), System.getenv());
            StreamPreflight.checkStream(sdk, kplConfig, true, shards, System.getenv());
            StreamPreflight.checkStream(sdk, sdkConfig, true, shards, System.getenv());
            StreamPreflight.checkKplEndpoints(kplConfig);
            try {
                System.err.println("bench: " + records + " readings of " + sensors + " sensors, " + shards + " shards each");
                Result sdkResult = measure(new SdkPutRecordsWriter(sdkConfig, sdk), input, sdk);
                System.err.println("bench: " + sdkResult.report().summaryLine());
                Result kplResult = measure(KplReadingWriter.create(kplConfig), input, sdk);
                System.err.println("bench: " + kplResult.report().summaryLine());
                String table = table(kplResult, sdkResult);
                System.out.println(table);
                if (markdown != null) {
                    Files.writeString(markdown, table + "\n", java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                }
                boolean allAcked = kplResult.report().failed() == 0 && sdkResult.report().failed() == 0;
                return allAcked ? 0 : ProducerCommand.EXIT_RECORDS_FAILED;
            } finally {
                if (!keepStreams) {
                    deleteQuietly(sdk, kplConfig.streamName());
                    deleteQuietly(sdk, sdkConfig.streamName());
                }
            }
        } catch (ConfigException e) {
            System.err.println("bench: configuration error: " + e.getMessage());
            return ProducerCommand.EXIT_CONFIG;
        }
    }

    private static Result measure(ReadingWriter writer, List<Reading> input, KinesisClient sdk) throws Exception {
        for (Reading r : input) {
            writer.write(r);
        }
        ProducerReport report = writer.close();
        List<Record> stored = StreamReadback.readAll(sdk, report.stream());
        long bytes = stored.stream().mapToLong(r -> r.data().asByteArray().length).sum();
        return new Result(report, stored.size(), bytes);
    }

    static String table(Result kpl, Result sdk) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "| writer | readings | records/s | API calls / 1,000 readings | Kinesis records "
                + "| bytes / Kinesis record | readings/s one shard takes (1 MB/s, 1,000 rec/s) |%n"));
        b.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : List.of(kpl, sdk)) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.2f | %d | %.0f | %.0f |%n", r.report().writer(),
                    r.report().produced(), r.report().recordsPerSecond(), r.callsPer1000(), r.kinesisRecords(),
                    r.bytesPerKinesisRecord(), shardCapacityReadings(r)));
        }
        b.append(String.format(Locale.ROOT, "%nKPL vs PutRecords: %.1fx records/s, %.1fx fewer API calls, %.1fx fewer "
                        + "Kinesis records; one shard takes %.1fx the readings/s.",
                kpl.report().recordsPerSecond() / Math.max(1e-9, sdk.report().recordsPerSecond()),
                sdk.callsPer1000() / Math.max(1e-9, kpl.callsPer1000()),
                (double) sdk.kinesisRecords() / Math.max(1, kpl.kinesisRecords()),
                shardCapacityReadings(kpl) / Math.max(1e-9, shardCapacityReadings(sdk))));
        return b.toString();
    }

    /** Readings per second one shard accepts: the tighter of its 1 MB/s and 1,000 records/s write limits. */
    static double shardCapacityReadings(Result r) {
        if (r.kinesisRecords() == 0) {
            return 0;
        }
        double readingsPerRecord = (double) r.report().produced() / r.kinesisRecords();
        double recordsPerSecond = Math.min(SHARD_RECORDS_PER_SECOND, SHARD_BYTES_PER_SECOND / r.bytesPerKinesisRecord());
        return recordsPerSecond * readingsPerRecord;
    }

    private static void deleteQuietly(KinesisClient sdk, String stream) {
        try {
            sdk.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true));
        } catch (RuntimeException e) {
            System.err.println("bench: could not delete stream " + stream + ": " + e.getMessage());
        }
    }
}
