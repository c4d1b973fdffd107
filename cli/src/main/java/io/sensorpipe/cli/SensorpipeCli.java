package io.sensorpipe.cli;

import io.sensorpipe.cli.aws.AwsClients;
import io.sensorpipe.cli.dashboard.DashboardCommand;
import io.sensorpipe.cli.pipeline.PipelineCommand;
import io.sensorpipe.cli.query.QueryCommand;
import io.sensorpipe.cli.resources.ResourcesCommand;
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
    private final AwsClients aws;

    public SensorpipeCli(AwsClients aws) {
        this.aws = aws;
    }

    public AwsClients aws() {
        return aws;
    }

    public static void main(String[] args) {
        int code;
        try (AwsClients aws = new AwsClients()) {
            code = commandLine(aws).execute(args);
        }
        System.exit(code);
    }

    /** The configured command line (also used by tests to run commands in-process). */
    public static CommandLine commandLine(AwsClients aws) {
        CommandLine cl = new CommandLine(new SensorpipeCli(aws));
        // A bad flag value is a usage error naming the field, not a stack trace.
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof IllegalArgumentException) {
                PrintWriter err = cmd.getErr();
                err.println("error: " + ex.getMessage());
                err.flush();
                return CommandLine.ExitCode.USAGE;
            }
            throw ex;
        });
        return cl;
    }
}
