package io.sensorpipe.supervisor;

import io.sensorpipe.contract.JobControl;
import io.sensorpipe.contract.MetricNames;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** The Lambdas' environment (set by CDK), read once; a missing or bad value names the variable. */
public record Settings(String stateTable, String opsTopicArn, String namespace, String stream, RestartPolicy policy,
                       Duration gracefulStop, Duration deployCheck) {
    // The names are the contract's (JobControl.Env), which CDK sets.
    public static final String STATE_TABLE = JobControl.Env.STATE_TABLE;
    public static final String OPS_TOPIC_ARN = JobControl.Env.OPS_TOPIC_ARN;
    public static final String METRICS_NAMESPACE = JobControl.Env.METRICS_NAMESPACE;
    public static final String STREAM_NAME = JobControl.Env.STREAM_NAME;
    public static final String MAX_RESTARTS = JobControl.Env.MAX_RESTARTS;
    public static final String BACKOFF_BASE_SECONDS = JobControl.Env.BACKOFF_BASE_SECONDS;
    public static final String BACKOFF_MAX_SECONDS = JobControl.Env.BACKOFF_MAX_SECONDS;
    public static final String RESTART_WINDOW_SECONDS = JobControl.Env.RESTART_WINDOW_SECONDS;
    public static final String GRACEFUL_STOP_SECONDS = JobControl.Env.GRACEFUL_STOP_SECONDS;
    /** How long an update's deploy waits at most for the new version to commit a micro-batch; 0: no check. */
    public static final String DEPLOY_CHECK_SECONDS = JobControl.Env.DEPLOY_CHECK_SECONDS;

    public static Settings from(Map<String, String> env) {
        RestartPolicy d = RestartPolicy.defaults();
        return new Settings(required(env, STATE_TABLE), required(env, OPS_TOPIC_ARN),
                env.getOrDefault(METRICS_NAMESPACE, MetricNames.DEFAULT_NAMESPACE), required(env, STREAM_NAME),
                new RestartPolicy(
                        (int) seconds(env, MAX_RESTARTS, d.maxRestarts()),
                        Duration.ofSeconds(seconds(env, BACKOFF_BASE_SECONDS, d.baseDelay().toSeconds())),
                        Duration.ofSeconds(seconds(env, BACKOFF_MAX_SECONDS, d.maxDelay().toSeconds())),
                        Duration.ofSeconds(seconds(env, RESTART_WINDOW_SECONDS, d.window().toSeconds()))),
                Duration.ofSeconds(seconds(env, GRACEFUL_STOP_SECONDS, 300)),
                Duration.ofSeconds(seconds(env, DEPLOY_CHECK_SECONDS, 480)));
    }

    /** The controller wired with real clients. */
    public JobController controller(Clients clients) {
        return new JobController(spec -> JobRuns.forSpec(spec, clients), new JobStateStore(clients.dynamoDb(), stateTable),
                new StopMarker(clients.s3()), new CommitLog(clients.s3()), new OpsChannel(clients.sns(), opsTopicArn, System.out, namespace, stream),
                policy, Clock.systemUTC(), duration -> Thread.sleep(duration.toMillis()), gracefulStop, Duration.ofSeconds(10));
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set (the CDK stack sets it)");
        }
        return value;
    }

    private static long seconds(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("environment variable " + name + " must be a whole number, got '" + value + "'");
        }
    }
}
