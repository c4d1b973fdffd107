package io.sensorpipe.archive.cli;

import io.sensorpipe.aws.AwsErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code scripts/archive}: bridge (local Firehose stand-in), replay and verify. */
@Command(name = "archive", mixinStandardHelpOptions = true,
        description = "Raw archive of the sensor stream in Firehose's S3 layout.",
        subcommands = {BridgeCommand.class, ReplayCommand.class, VerifyCommand.class, RedriveCommand.class})
public final class ArchiveCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: bridge, replay, verify or redrive");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ArchiveCli());
        cli.registerConverter(java.time.Duration.class, new CliTypes.DurationConverter());
        cli.registerConverter(java.time.Instant.class, new CliTypes.InstantConverter());
        cli.setExecutionExceptionHandler((e, cmd, parse) -> {
            // no region, cloud down, missing bucket or stream: one line with the fix, not a stack trace
            var aws = AwsErrors.oneLine(e);
            if (aws.isPresent()) {
                cmd.getErr().println("archive " + cmd.getCommandName() + ": " + aws.get());
                return 1;
            }
            if (e instanceof io.sensorpipe.archive.replay.ArchiveReader.DamagedObject damaged) {
                cmd.getErr().println("archive " + cmd.getCommandName() + ": " + damaged.getMessage() + ": check how "
                        + "it was written, or move it out of the archive's prefix");
                return 1;
            }
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("archive " + cmd.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }
}
