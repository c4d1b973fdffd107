package io.sensorpipe.supervisor;

import io.sensorpipe.contract.MetricNames;
import java.io.PrintStream;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Tells people (the ops topic) and the alarms (a CloudWatch metric in the job's namespace with its Stream
 * dimension) what happened. Metrics go out in CloudWatch's embedded metric format on the function's log: Lambda's
 * log pipeline turns them into metrics, with no PutMetricData call or permission.
 */
public final class OpsChannel {
    private final SnsClient sns;
    private final String topicArn;
    private final PrintStream log;
    private final String namespace;
    private final String stream;

    public OpsChannel(SnsClient sns, String topicArn, PrintStream log, String namespace, String stream) {
        this.sns = sns;
        this.topicArn = topicArn;
        this.log = log;
        this.namespace = namespace;
        this.stream = stream;
    }

    public void tell(String subject, String message) {
        // SNS subjects: at most 100 printable ASCII characters.
        String safeSubject = subject.replaceAll("[^\\x20-\\x7E]", "?");
        sns.publish(r -> r.topicArn(topicArn).subject(safeSubject.length() > 100 ? safeSubject.substring(0, 100) : safeSubject).message(message));
    }

    /** One datum of {@code metric} (a {@link MetricNames} name) with value 1, as an embedded-metric-format log line. */
    public void count(String metric) {
        if (!MetricNames.ALL.contains(metric)) {
            throw new IllegalArgumentException("metric '" + metric + "' is not in io.sensorpipe.contract.MetricNames");
        }
        log.println(emf(namespace, stream, metric, System.currentTimeMillis()));
    }

    static String emf(String namespace, String stream, String metric, long epochMillis) {
        return "{\"_aws\":{\"Timestamp\":" + epochMillis + ",\"CloudWatchMetrics\":[{\"Namespace\":\"" + escape(namespace)
                + "\",\"Dimensions\":[[\"" + MetricNames.STREAM_DIMENSION + "\"]],\"Metrics\":[{\"Name\":\"" + metric
                + "\",\"Unit\":\"Count\"}]}]},\"" + MetricNames.STREAM_DIMENSION + "\":\"" + escape(stream) + "\",\"" + metric + "\":1}";
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
