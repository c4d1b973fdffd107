package io.sensorpipe.supervisor;

import java.util.List;
import java.util.Objects;

/**
 * One version of the streaming job, as the deployer submits it and the supervisor re-submits it.
 *
 * @param platform              where it runs
 * @param target                EMR cluster id (j-...) or EMR Serverless application id
 * @param name                  step / job-run name
 * @param args                  EMR: the command-runner.jar arguments (spark-submit ...); Serverless: the job's arguments
 * @param entryPoint            Serverless: the jar's s3:// URL (unused on EMR, where it is inside {@code args})
 * @param sparkSubmitParameters Serverless: e.g. {@code --class io.sensorpipe.job.StreamingJobMain --conf ...}
 * @param executionRoleArn      Serverless: the job's execution role
 * @param logUri                Serverless: s3:// prefix for driver/executor logs
 * @param stopMarker            s3:// URI of the job's stop marker (see {@code io.sensorpipe.contract.JobControl})
 */
public record JobSpec(Platform platform, String target, String name, List<String> args, String entryPoint,
                      String sparkSubmitParameters, String executionRoleArn, String logUri, String stopMarker) {

    public enum Platform { EMR_EC2, EMR_SERVERLESS }

    public JobSpec {
        Objects.requireNonNull(platform, "platform");
        require(target, "target (cluster or application id)");
        require(name, "name");
        require(stopMarker, "stopMarker");
        args = List.copyOf(args);
        if (platform == Platform.EMR_SERVERLESS) {
            require(entryPoint, "entryPoint (jar URL)");
            require(executionRoleArn, "executionRoleArn");
        }
    }

    /**
     * This spec with the job's {@code flag} set to {@code value}: replaced where the arguments already give it (the
     * job refuses a flag given twice), else appended (the job's own arguments come last, on EMR after the jar).
     */
    public JobSpec withJobFlag(String flag, String value) {
        List<String> changed = new java.util.ArrayList<>(args);
        changed.removeIf(a -> a.startsWith(flag + "=")); // the --flag=value form, given once with the value below
        int at = changed.indexOf(flag);
        if (at >= 0 && at + 1 < changed.size()) {
            changed.set(at + 1, value);
        } else {
            changed.add(flag);
            changed.add(value);
        }
        return new JobSpec(platform, target, name, changed, entryPoint, sparkSubmitParameters, executionRoleArn,
                logUri, stopMarker);
    }

    private static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("job spec needs " + what);
        }
    }
}
