package io.sensorpipe.alerts.cli;

import io.sensorpipe.alerts.log.JsonLog;
import io.sensorpipe.aws.AwsErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code scripts/alerts}: tail the alerts queue, or run the local event-source runner. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = "sensorpipe alerts: read alerts from the SQS subscription, or run the alert Lambda locally.",
        subcommands = {TailCommand.class, RunLocalCommand.class})
public final class AlertsCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: tail or run-local");
    }

    public static void main(String[] args) {
        // stdout is for the commands' output; the JSON logs go to stderr.
        JsonLog.redirectTo(System.err);
        System.exit(commandLine().execute(args));
    }

    /** The command line; an AWS access problem (no region, cloud down, missing table) is one line with the fix. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new AlertsCli());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            var oneLine = AwsErrors.oneLine(ex);
            if (oneLine.isPresent()) {
                cmd.getErr().println("error: " + oneLine.get());
                cmd.getErr().flush();
                return 1;
            }
            if (ex instanceof IllegalArgumentException) {
                cmd.getErr().println("error: " + ex.getMessage());
                cmd.getErr().flush();
                return CommandLine.ExitCode.USAGE;
            }
            throw ex;
        });
        return cl;
    }
}
