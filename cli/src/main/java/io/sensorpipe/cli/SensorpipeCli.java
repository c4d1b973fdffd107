package io.sensorpipe.cli;

import io.sensorpipe.aws.AwsErrors;
import io.sensorpipe.cli.aws.CliAwsClients;
import io.sensorpipe.cli.dashboard.DashboardCommand;
import io.sensorpipe.cli.pipeline.PipelineCommand;
import io.sensorpipe.cli.query.QueryCommand;
import io.sensorpipe.cli.resources.ResourcesCommand;
import io.sensorpipe.schema.ResultItem;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sensorpipe}: the user's door to a running pipeline (local cloud or AWS). Endpoints, region and
 * credentials come from the AWS SDK's default chains and standard variables only.
 */
@Command(name = "sensorpipe", mixinStandardHelpOptions = true, version = "sensorpipe 0.1.0",
        description = "Create resources, query results, watch the dashboard, run the local pipeline.",
        subcommands = {ResourcesCommand.class, QueryCommand.class, DashboardCommand.class, PipelineCommand.class,
                CommandLine.HelpCommand.class})
public final class SensorpipeCli {
    private final CliAwsClients aws;

    public SensorpipeCli(CliAwsClients aws) {
        this.aws = aws;
    }

    public CliAwsClients aws() {
        return aws;
    }

    public static void main(String[] args) {
        int code;
        try (CliAwsClients aws = new CliAwsClients()) {
            code = commandLine(aws).execute(args);
        }
        System.exit(code);
    }

    /** The configured command line (also used by tests to run commands in-process). */
    public static CommandLine commandLine(CliAwsClients aws) {
        CommandLine cl = new CommandLine(new SensorpipeCli(aws));
        // A bad flag value is a usage error naming the field; an unreachable endpoint, a missing region or table is
        // one line with the fix (AwsErrors); neither is a stack trace.
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            var awsError = AwsErrors.oneLine(ex);
            if (awsError.isPresent()) {
                err.println("error: " + awsError.get());
                err.flush();
                return 1;
            }
            if (ex instanceof ResultItem.MalformedItemException malformed) {
                err.println("error: the results table holds an item that is not a window result (" + malformed.getMessage()
                        + "): check --table");
                err.flush();
                return 1;
            }
            if (ex instanceof IllegalArgumentException) {
                err.println("error: " + ex.getMessage());
                err.flush();
                return CommandLine.ExitCode.USAGE;
            }
            throw ex;
        });
        return cl;
    }
}
