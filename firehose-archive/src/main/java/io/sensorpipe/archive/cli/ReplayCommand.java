package io.sensorpipe.archive.cli;

import io.sensorpipe.archive.aws.ArchiveAwsClients;
import io.sensorpipe.archive.replay.ArchiveReader;
import io.sensorpipe.archive.replay.ReplayReport;
import io.sensorpipe.archive.replay.ReplayWriters;
import io.sensorpipe.archive.replay.Replayer;
import io.sensorpipe.producer.ReadingWriter;
import io.sensorpipe.schema.ReadingCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Re-publishes the archived readings of an event-time range to a Kinesis stream through the producer's writer. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Read the archive for an event-time range and re-publish the readings to a Kinesis stream.")
final class ReplayCommand implements Callable<Integer> {
    @Mixin
    LayoutOptions layout;

    @Option(names = "--from", required = true, description = "first event time, inclusive (ISO-8601 or epoch seconds/ms)")
    Instant from;

    @Option(names = "--to", required = true, description = "last event time, exclusive (ISO-8601 or epoch seconds/ms)")
    Instant to;

    @Option(names = "--stream", required = true, description = "Kinesis stream to publish to")
    String stream;

    @Option(names = "--lateness", defaultValue = "1h",
            description = "also scan this much later arrival partitions for late readings (default: ${DEFAULT-VALUE})")
    Duration lateness;

    @Option(names = "--skew", defaultValue = "1h",
            description = "also scan this much earlier arrival partitions for sensor clock skew (default: ${DEFAULT-VALUE})")
    Duration skew;

    @Option(names = "--writer", defaultValue = "kpl",
            description = "producer writer: kpl (aggregated, like the live producer) or sdk (plain PutRecords) (default: ${DEFAULT-VALUE})")
    String writerKind;

    @Option(names = "--failure-file", defaultValue = "replay-failures.jsonl",
            description = "records the writer gave up on (default: ${DEFAULT-VALUE})")
    Path failureFile;

    @Option(names = "--report-file", description = "write the final counts as JSON here")
    Path reportFile;

    @Override
    public Integer call() throws Exception {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("--from (" + from + ") must be before --to (" + to + ")");
        }
        try (ArchiveAwsClients clients = new ArchiveAwsClients()) {
            ReadingWriter writer = switch (writerKind) {
                case "kpl" -> ReplayWriters.kpl(stream, failureFile);
                case "sdk" -> ReplayWriters.sdk(stream, failureFile, clients.kinesis());
                default -> throw new IllegalArgumentException("--writer must be kpl or sdk, got '" + writerKind + "'");
            };
            ReplayReport report = new Replayer(new ArchiveReader(clients.s3(), layout.bucket, layout.layout()))
                    .replay(from, to, lateness, skew, writer, System.err::println);
            if (reportFile != null) {
                ReadingCodec.MAPPER.writerWithDefaultPrettyPrinter().writeValue(reportFile.toFile(), report);
            }
            System.out.println("replay: " + report.summaryLine());
            // a damaged object was named when met; the run still fails, as readings of it were not replayed
            return report.writer().failed() == 0 && report.damaged().isEmpty() ? 0 : 1;
        }
    }
}
