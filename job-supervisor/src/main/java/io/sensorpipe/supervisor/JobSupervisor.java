package io.sensorpipe.supervisor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job's supervisor. Input is either an EventBridge event ({@code EMR Step Status Change} or {@code EMR
 * Serverless Job Run State Change}: a run ended → restart with backoff and a cap) or an operator action from
 * {@code scripts/job} ({@code {"action": "status|stop|start|restart", "job": NAME}}; start and restart may add
 * {@code "acceptDataLoss": true}, see {@link JobController#start(String, boolean)}).
 */
public final class JobSupervisor implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        try (Clients clients = new Clients()) {
            return handle(Settings.from(System.getenv()).controller(clients), event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Dispatch, separate from the environment so it can be called with any controller. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> handle(JobController controller, Map<String, Object> event) throws InterruptedException {
        Map<String, Object> result = new LinkedHashMap<>();
        if (event.containsKey("detail-type")) {
            Map<String, Object> detail = (Map<String, Object>) event.get("detail");
            String type = String.valueOf(event.get("detail-type"));
            String runId;
            String job;
            if (type.equals("EMR Step Status Change")) {
                runId = String.valueOf(detail.get("stepId"));
                job = String.valueOf(detail.get("name"));
            } else if (type.equals("EMR Serverless Job Run State Change")) {
                runId = String.valueOf(detail.get("jobRunId"));
                job = String.valueOf(detail.get("jobRunName"));
            } else {
                throw new IllegalArgumentException("unexpected event type '" + type + "': the rule should only send EMR step / job-run changes");
            }
            result.put("outcome", controller.onRunEnded(job, runId, String.valueOf(detail.get("state"))).name());
            return result;
        }
        String action = String.valueOf(event.get("action"));
        String job = String.valueOf(event.get("job"));
        switch (action) {
            case "status" -> result.put("status", controller.status(job));
            case "stop" -> {
                controller.stop(job);
                result.put("status", controller.status(job));
            }
            case "start", "restart" -> {
                // deploy() stops a running version first, so "restart" is a graceful stop + start.
                result.put("runId", controller.start(job, Boolean.parseBoolean(String.valueOf(event.get("acceptDataLoss")))));
                result.put("status", controller.status(job));
            }
            default -> throw new IllegalArgumentException("action must be status, stop, start or restart; got '" + action + "'");
        }
        return result;
    }
}
