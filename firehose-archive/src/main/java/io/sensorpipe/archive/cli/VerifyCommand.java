package io.sensorpipe.archive.cli;

import io.sensorpipe.archive.aws.ArchiveAwsClients;
import io.sensorpipe.archive.redrive.Redriver;
import io.sensorpipe.archive.replay.ArchiveReader;
import io.sensorpipe.archive.verify.ArchiveVerifier;
import io.sensorpipe.archive.verify.Expectation;
import io.sensorpipe.archive.verify.VerifyReport;
import io.sensorpipe.schema.ReadingCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Counts archived readings per hour/sensor and compares them with what was produced; exit 1 on any gap. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compare the archive with the producer's report, a ground-truth readings file or a count.")
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    LayoutOptions layout;

    @Option(names = "--from", description = "first event time, inclusive (default: oldest reading of --expected-readings)")
    Instant from;

    @Option(names = "--to", description = "last event time, exclusive (default: after the newest of --expected-readings)")
    Instant to;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ExpectedSource expected;

    static final class ExpectedSource {
        @Option(names = "--producer-report", description = "the producer's JSON report (compares its acknowledged count)")
        Path producerReport;

        @Option(names = "--expected-readings", description = "ground-truth readings, one JSON a line (.gz allowed): per hour and sensor")
        Path readings;

        @Option(names = "--expected-count", description = "expected number of readings in the range")
        Long count;
    }

    @Option(names = "--lateness", defaultValue = "1h", description = "late-arrival partitions to scan (default: ${DEFAULT-VALUE})")
    Duration lateness;

    @Option(names = "--skew", defaultValue = "1h", description = "early-arrival partitions to scan (default: ${DEFAULT-VALUE})")
    Duration skew;

    @Option(names = "--report-file", description = "write the comparison as JSON here")
    Path reportFile;

    @Override
    public Integer call() throws Exception {
        Expectation expectation;
        if (expected.readings != null) {
            Expectation.PerHourAndSensor perCell = Expectation.fromReadingsFile(expected.readings, from, to);
            if (perCell.counts().total() == 0 && (from == null || to == null)) {
                throw new IllegalArgumentException("--expected-readings " + expected.readings
                        + " holds no readings; pass --from and --to");
            }
            from = from != null ? from : Instant.ofEpochMilli(perCell.counts().minTs());
            to = to != null ? to : Instant.ofEpochMilli(perCell.counts().maxTs() + 1);
            expectation = perCell;
        } else {
            if (from == null || to == null) {
                throw new IllegalArgumentException("--from and --to are required with --producer-report or --expected-count");
            }
            expectation = expected.producerReport != null
                    ? Expectation.fromProducerReport(expected.producerReport)
                    : Expectation.ofCount(expected.count);
        }
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("--from (" + from + ") must be before --to (" + to + ")");
        }
        try (ArchiveAwsClients clients = new ArchiveAwsClients()) {
            VerifyReport report = new ArchiveVerifier(new ArchiveReader(clients.s3(), layout.bucket, layout.layout()))
                    .verify(from, to, lateness, skew, expectation);
            if (reportFile != null) {
                ReadingCodec.MAPPER.writerWithDefaultPrettyPrinter().writeValue(reportFile.toFile(), report);
            }
            report.gaps().forEach(g -> System.out.println("gap: hour " + g.hour() + " sensor " + g.sensorId()
                    + " expected " + g.expected() + " archived " + g.archived()));
            report.surplus().forEach(g -> System.out.println("surplus: hour " + g.hour() + " sensor " + g.sensorId()
                    + " expected " + g.expected() + " archived " + g.archived()));
            System.out.println("verify: " + report.summaryLine());
            // readings a failed transformation left in the error prefix are in no data object: not archived yet
            Redriver.Report stranded = new Redriver(clients.s3(), layout.bucket, layout.layout())
                    .pending(from.minus(skew), to.plus(lateness), from, to);
            if (stranded.readings() > 0) {
                System.out.println("verify: " + stranded.readings() + " readings of the range wait in the error "
                        + "prefix (the transformation failed, Firehose kept them there): run scripts/archive redrive "
                        + layout.flags() + " --from " + from.minus(skew) + " --to " + to.plus(lateness));
            }
            return report.ok() && stranded.readings() == 0 ? 0 : 1;
        }
    }
}
