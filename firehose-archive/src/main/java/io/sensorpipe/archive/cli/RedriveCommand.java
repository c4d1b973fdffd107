package io.sensorpipe.archive.cli;

import io.sensorpipe.archive.aws.ArchiveAwsClients;
import io.sensorpipe.archive.redrive.Redriver;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes the readings a failed transformation left in the error prefix back to the data prefix. */
@Command(name = "redrive", mixinStandardHelpOptions = true,
        description = "Put back into the archive's data prefix the readings Firehose left in errors/processing-failed/"
                + " because its transformation failed (timeout, throttling, an exception); idempotent.")
final class RedriveCommand implements Callable<Integer> {
    @Mixin
    LayoutOptions layout;

    @Option(names = "--from", required = true,
            description = "first arrival hour of the error objects, inclusive (ISO-8601 or epoch seconds/ms)")
    Instant from;

    @Option(names = "--to", required = true, description = "last arrival time of the error objects, exclusive")
    Instant to;

    @Option(names = "--dry-run", description = "say what would be written, write nothing")
    boolean dryRun;

    @Override
    public Integer call() {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("--from (" + from + ") must be before --to (" + to + ")");
        }
        try (ArchiveAwsClients clients = new ArchiveAwsClients()) {
            Redriver.Report report = new Redriver(clients.s3(), layout.bucket, layout.layout())
                    .redrive(from, to, dryRun, System.err::println);
            System.out.println("redrive" + (dryRun ? " (dry run)" : "") + ": " + report.summaryLine());
            return 0;
        }
    }
}
