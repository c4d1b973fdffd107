package io.sensorpipe.supervisor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorpipe.contract.JobControl.Deploy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudFormation custom resource {@code Custom::SensorpipeStreamingJob}: Create submits the job, Update stops the
 * running version gracefully and then submits the new one (never two on one checkpoint), Delete stops it. The
 * physical id is the job's name, so an update never makes CloudFormation delete "the old resource" afterwards.
 */
public final class JobDeployer implements RequestHandler<Map<String, Object>, Void> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        String requestType = String.valueOf(event.get("RequestType"));
        @SuppressWarnings("unchecked")
        Map<String, Object> props = (Map<String, Object>) event.getOrDefault("ResourceProperties", Map.of());
        String physicalId = event.get("PhysicalResourceId") == null ? null : event.get("PhysicalResourceId").toString();
        Map<String, Object> data = new LinkedHashMap<>();
        String status = "SUCCESS";
        String reason = "ok";
        try (Clients clients = new Clients()) {
            if ("Delete".equals(requestType)) {
                reason = delete(props, clients);
            } else {
                JobSpec spec = specFrom(props);
                physicalId = spec.name();
                Settings settings = Settings.from(System.getenv());
                JobController controller = settings.controller(clients);
                switch (requestType) {
                    case "Create" -> data.put(Deploy.RUN_ID, controller.deploy(spec));
                    case "Update" -> {
                        String stackStatus = stackStatus(clients, String.valueOf(event.get("StackId")));
                        JobController.Deployment deployment = controller.deployment(spec);
                        data.put(Deploy.RUN_ID, deployment.runId());
                        reason = checkUpdate(controller, spec, deployment, stackStatus,
                                checkTime(settings.deployCheck(), context == null ? null : context.getRemainingTimeInMillis()));
                        if (context != null) {
                            context.getLogger().log("job deployer Update: " + reason);
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown RequestType " + requestType);
                }
            }
        } catch (Exception e) {
            status = "FAILED";
            reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (context != null) {
                context.getLogger().log("job deployer " + requestType + " failed: " + reason);
            }
        }
        respond(event, status, reason, physicalId == null ? "sensorpipe-streaming-job" : physicalId, data);
        return null;
    }

    /**
     * An update proves itself before CloudFormation hears SUCCESS: the new version must commit a micro-batch, or at least
     * not end before the check's time is up ({@link JobController#check}). A version that ends first fails the deploy
     * (an exception here), and CloudFormation's rollback sends the previous properties back through the same path.
     * A rollback is not checked: the version it brings back ran before, and a rollback that fails leaves the stack in
     * UPDATE_ROLLBACK_FAILED. Creates are not checked either: a failed first deploy would roll back the whole stack,
     * the cluster with it; the supervisor's restarts and alarms watch it instead.
     *
     * @param stackStatus the stack's status (DescribeStacks), or null when it could not be read (then not checked)
     */
    static String checkUpdate(JobController controller, JobSpec spec, JobController.Deployment deployment,
                              String stackStatus, Duration within) throws InterruptedException {
        if (stackStatus == null || isRollback(stackStatus)) {
            return "submitted run " + deployment.runId() + " without a check: "
                    + (stackStatus == null ? "the stack's status could not be read" : "a rollback (" + stackStatus + ")");
        }
        if (within.isZero() || within.isNegative()) {
            return "submitted run " + deployment.runId() + " (not checked: no time left for a check, or "
                    + io.sensorpipe.contract.JobControl.Env.DEPLOY_CHECK_SECONDS + " is 0)";
        }
        JobController.Check check = controller.check(spec, deployment, within);
        if (check.failed()) {
            throw new IllegalStateException(check.message());
        }
        return check.message();
    }

    /** Stack statuses in which CloudFormation sends the previous properties back (an update rolling back). */
    static boolean isRollback(String stackStatus) {
        return stackStatus.contains("ROLLBACK");
    }

    /** The status of the stack the request comes from, or null when it cannot be read (why goes to the log). */
    static String stackStatus(Clients clients, String stackId) {
        try {
            return clients.cloudFormation().describeStacks(r -> r.stackName(stackId)).stacks().get(0).stackStatusAsString();
        } catch (RuntimeException e) {
            System.err.println("job deployer: cannot read the status of stack " + stackId + ": " + e);
            return null;
        }
    }

    /** The check's time: the configured one, within what is left of the invocation (1 min kept to answer). */
    static Duration checkTime(Duration configured, Integer remainingMillis) {
        if (remainingMillis == null) {
            return configured;
        }
        Duration left = Duration.ofMillis(remainingMillis).minusMinutes(1);
        return left.compareTo(configured) < 0 ? left : configured;
    }

    /**
     * Stops the job. A resource that never deployed (bad properties, a failed create rolling back) has nothing to
     * stop, and failing its delete would leave the stack stuck in DELETE_FAILED.
     */
    private static String delete(Map<String, Object> props, Clients clients) throws InterruptedException {
        JobSpec spec;
        try {
            spec = specFrom(props);
        } catch (IllegalArgumentException e) {
            return "nothing to stop: " + e.getMessage();
        }
        try {
            Settings.from(System.getenv()).controller(clients).stop(spec.name());
            return "stopped";
        } catch (IllegalStateException e) {
            return "nothing to stop: " + e.getMessage();
        }
    }

    /** The resource's properties (all strings, as CloudFormation passes them) as a job spec. */
    @SuppressWarnings("unchecked")
    static JobSpec specFrom(Map<String, Object> props) {
        Object args = props.get(Deploy.ARGS);
        if (!(args instanceof List<?>)) {
            throw new IllegalArgumentException("property " + Deploy.ARGS + " must be a list of strings");
        }
        return new JobSpec(JobSpec.Platform.valueOf(string(props, Deploy.PLATFORM)), string(props, Deploy.TARGET), string(props, Deploy.NAME),
                ((List<Object>) args).stream().map(String::valueOf).toList(), string(props, Deploy.ENTRY_POINT),
                string(props, Deploy.SPARK_SUBMIT_PARAMETERS), string(props, Deploy.EXECUTION_ROLE_ARN), string(props, Deploy.LOG_URI),
                string(props, Deploy.STOP_MARKER));
    }

    private static String string(Map<String, Object> props, String key) {
        Object value = props.get(key);
        return value == null ? null : value.toString();
    }

    private static void respond(Map<String, Object> event, String status, String reason, String physicalId, Map<String, Object> data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Status", status);
        // CloudFormation shows at most 4 KB of reason.
        body.put("Reason", reason.length() > 3000 ? reason.substring(0, 3000) : reason);
        body.put("PhysicalResourceId", physicalId);
        body.put("StackId", event.get("StackId"));
        body.put("RequestId", event.get("RequestId"));
        body.put("LogicalResourceId", event.get("LogicalResourceId"));
        body.put("Data", data);
        try {
            byte[] bytes = JSON.writeValueAsBytes(body);
            HttpURLConnection connection = (HttpURLConnection) URI.create(String.valueOf(event.get("ResponseURL"))).toURL().openConnection();
            connection.setDoOutput(true);
            connection.setRequestMethod("PUT");
            // The pre-signed URL is signed for an empty content type.
            connection.setRequestProperty("Content-Type", "");
            connection.setFixedLengthStreamingMode(bytes.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(bytes);
            }
            int code = connection.getResponseCode();
            if (code / 100 != 2) {
                throw new IOException("CloudFormation response URL answered HTTP " + code);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not answer CloudFormation: " + e.getMessage(), e);
        }
    }
}
