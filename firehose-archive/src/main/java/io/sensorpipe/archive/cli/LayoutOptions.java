package io.sensorpipe.archive.cli;

import io.sensorpipe.contract.ArchiveLayout;
import picocli.CommandLine.Option;

/** Archive layout flags shared by the subcommands; defaults are the CDK Firehose settings. */
final class LayoutOptions {
    @Option(names = "--bucket", required = true, description = "archive bucket")
    String bucket;

    @Option(names = "--prefix", defaultValue = ArchiveLayout.DEFAULT_PREFIX,
            description = "Firehose custom prefix (default: ${DEFAULT-VALUE})")
    String prefix;

    @Option(names = "--error-prefix", defaultValue = ArchiveLayout.DEFAULT_ERROR_PREFIX,
            description = "Firehose error output prefix (default: ${DEFAULT-VALUE})")
    String errorPrefix;

    @Option(names = "--delivery-stream-name", defaultValue = ArchiveLayout.DEFAULT_DELIVERY_STREAM_NAME,
            description = "name used in object keys (default: ${DEFAULT-VALUE})")
    String deliveryStreamName;

    @Option(names = "--delivery-stream-version", defaultValue = "1", description = "version used in object keys")
    int deliveryStreamVersion;

    /** These options as flags, the defaults left out: for a command line the user is told to run next. */
    String flags() {
        StringBuilder b = new StringBuilder("--bucket " + bucket);
        if (!ArchiveLayout.DEFAULT_PREFIX.equals(prefix)) {
            b.append(" --prefix ").append(quoted(prefix));
        }
        if (!ArchiveLayout.DEFAULT_ERROR_PREFIX.equals(errorPrefix)) {
            b.append(" --error-prefix ").append(quoted(errorPrefix));
        }
        if (!ArchiveLayout.DEFAULT_DELIVERY_STREAM_NAME.equals(deliveryStreamName)) {
            b.append(" --delivery-stream-name ").append(deliveryStreamName);
        }
        if (deliveryStreamVersion != 1) {
            b.append(" --delivery-stream-version ").append(deliveryStreamVersion);
        }
        return b.toString();
    }

    /** For a shell: single quotes keep Firehose's {@code !{...}} expressions from history expansion. */
    private static String quoted(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    ArchiveLayout layout() {
        return new ArchiveLayout(prefix, errorPrefix, deliveryStreamName, deliveryStreamVersion);
    }
}
