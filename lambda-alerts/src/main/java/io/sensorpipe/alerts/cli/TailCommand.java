package io.sensorpipe.alerts.cli;

import io.sensorpipe.alerts.AlertAwsClients;
import io.sensorpipe.alerts.tail.AlertsTail;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Print alerts from the SQS queue subscribed to the alert topic, readably.")
final class TailCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--queue-url", defaultValue = "${env:ALERT_QUEUE_URL}",
            description = "queue subscribed to the alert topic (env ALERT_QUEUE_URL)")
    String queueUrl;

    @Option(names = "--follow", description = "keep waiting for new alerts (until --duration); "
            + "without it, stop as soon as the queue is empty")
    boolean follow;

    @Option(names = "--duration", defaultValue = "1h", converter = RunDuration.class,
            description = "stop after this long: 90s, 5m, 1h; a bare number is seconds (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--max-messages", defaultValue = "2147483647", description = "stop after this many alerts")
    int maxMessages;

    @Option(names = "--keep", description = "do not delete the alerts read (they reappear after the visibility timeout)")
    boolean keep;

    @Override
    public Integer call() {
        if (queueUrl == null || queueUrl.isBlank() || !queueUrl.startsWith("http")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--queue-url (or ALERT_QUEUE_URL) must be the SQS queue URL, got '" + queueUrl + "'");
        }
        if (duration.isNegative() || duration.isZero() || maxMessages <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration and --max-messages must be > 0");
        }
        try (SqsClient sqs = AlertAwsClients.sqs()) {
            int read = new AlertsTail(sqs, queueUrl, keep).tail(maxMessages, duration,
                    !follow, AlertsTail.printer(System.out));
            System.err.println(read + " alert(s) read from " + queueUrl);
        }
        return 0;
    }
}
