package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/** What the job prints when its query fails: one line, the job's own where it has one. */
class QueryFailureLineTest {
    private static final String STAGE_FAILURE = "Job aborted due to stage failure: Task 0 in stage 3.0 failed 4 times,"
            + " most recent failure: Lost task 0.3 in stage 3.0 (TID 9) (ip-10-0-0-1 executor 2): "
            + "java.lang.IllegalStateException: data loss on shard shardId-000000000001 of stream readings: records"
            + " from 4960 up to 4970. Restart with --fail-on-data-loss false\n\tat io.sensorpipe.kinesis.X.y(X.java:1)"
            + "\n\nDriver stacktrace:\n\tat org.apache.spark.scheduler.DAGScheduler.failJob(DAGScheduler.scala:2)";

    @Test
    void anExecutorsFailureIsItsOwnMessageNotSparksWrapperAndStack() {
        IllegalStateException ours = new IllegalStateException("data loss on shard shardId-000000000001 of stream "
                + "readings: records from 4960 up to 4970. Restart with --fail-on-data-loss false");
        assertThat(SensorStreamingJob.failureLine(spark(new SparkException(STAGE_FAILURE, ours))))
                .isEqualTo(ours.getMessage());
    }

    @Test
    void withoutTheCauseTheExceptionAndMessageAreCutFromSparksFirstLine() {
        assertThat(SensorStreamingJob.failureLine(spark(new SparkException(STAGE_FAILURE))))
                .isEqualTo("IllegalStateException: data loss on shard shardId-000000000001 of stream readings: records"
                        + " from 4960 up to 4970. Restart with --fail-on-data-loss false");
    }

    @Test
    void theJobsOwnWrapperIsPreferredToTheLibraryErrorItWraps() {
        RuntimeException sdk = sdkFailure();
        IllegalStateException ours = new IllegalStateException("model store unavailable: cannot read s3://b/models"
                + " (check the job role's s3:GetObject)", sdk);
        assertThat(SensorStreamingJob.failureLine(spark(new SparkException("Job aborted", ours)))).isEqualTo(ours.getMessage());
        assertThat(SensorStreamingJob.failureLine(spark(new SparkException("Job aborted\n\tat x", sdk))))
                .as("no error of the job's: the library's").isEqualTo("Connection reset");
    }

    @Test
    void aLibrarysWrapperNamesMoreThanItsRootCauseSoItIsKept() {
        RuntimeException timeout = thrownBy("java.net.Socket", new RuntimeException("connect timed out"));
        RuntimeException sdk = thrownBy("software.amazon.awssdk.core.internal.http.X", new RuntimeException(
                "Unable to execute HTTP request: Connect to dynamodb.eu-west-1.amazonaws.com:443 failed", timeout));
        assertThat(SensorStreamingJob.failureLine(spark(new SparkException("Job aborted", sdk))))
                .isEqualTo("Unable to execute HTTP request: Connect to dynamodb.eu-west-1.amazonaws.com:443 failed");
        assertThat(SensorStreamingJob.failureLine(spark(new SparkException("Query terminated"))))
                .as("nothing but Spark: its own line").isEqualTo("Query terminated");
    }

    private static RuntimeException thrownBy(String className, RuntimeException e) {
        e.setStackTrace(new StackTraceElement[] {new StackTraceElement(className, "m", "X.java", 1)});
        return e;
    }

    /** Spark's exceptions are thrown by Spark: their stack says so (built here, it would name this test). */
    private static SparkException spark(SparkException e) {
        e.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("org.apache.spark.scheduler.DAGScheduler", "failJob", "DAGScheduler.scala", 1)});
        return e;
    }

    /** An exception thrown outside io.sensorpipe (its stack says where it was thrown). */
    private static RuntimeException sdkFailure() {
        RuntimeException e = new RuntimeException("Connection reset\n(more)");
        e.setStackTrace(new StackTraceElement[] {new StackTraceElement("software.amazon.awssdk.X", "y", "X.java", 1)});
        return e;
    }
}
