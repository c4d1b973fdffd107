package io.sensorpipe.supervisor;

import io.sensorpipe.contract.JobControl;
import io.sensorpipe.contract.MetricNames;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** The Lambdas' environment (set by CDK), read once; a missing or bad value names the variable. */
public record Settings(String stateTable, String opsTopicArn, String namespace, String stream, RestartPolicy policy,
                       Duration gracefulStop, Duration deployCheck) {
    /** Reads the variables CDK sets, named by the contract ({@link JobControl.Env}). */
    public static Settings from(Map<String, String> env) {
        RestartPolicy d = RestartPolicy.defaults();
        return new Settings(required(env, JobControl.Env.STATE_TABLE), required(env, JobControl.Env.OPS_TOPIC_ARN),
                env.getOrDefault(JobControl.Env.METRICS_NAMESPACE, MetricNames.DEFAULT_NAMESPACE), required(env, JobControl.Env.STREAM_NAME),
                new RestartPolicy(
                        (int) seconds(env, JobControl.Env.MAX_RESTARTS, d.maxRestarts()),
                        Duration.ofSeconds(seconds(env, JobControl.Env.BACKOFF_BASE_SECONDS, d.baseDelay().toSeconds())),
                        Duration.ofSeconds(seconds(env, JobControl.Env.BACKOFF_MAX_SECONDS, d.maxDelay().toSeconds())),
                        Duration.ofSeconds(seconds(env, JobControl.Env.RESTART_WINDOW_SECONDS, d.window().toSeconds()))),
                Duration.ofSeconds(seconds(env, JobControl.Env.GRACEFUL_STOP_SECONDS, 300)),
                Duration.ofSeconds(seconds(env, JobControl.Env.DEPLOY_CHECK_SECONDS, 480)));
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
