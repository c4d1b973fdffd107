package io.sensorpipe.alerts.runner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the local runner imitates the event source mapping (the CDK mapping should use the same values).
 *
 * @param streamArn          the results table's stream
 * @param batchSize          at most this many (filtered) records per invocation (Lambda: BatchSize)
 * @param maxRetries         retries of a failing batch before it is dead-lettered (Lambda: MaximumRetryAttempts)
 * @param bisectOnError      split a batch in two on a function error (Lambda: BisectBatchOnFunctionError)
 * @param startingPosition   TRIM_HORIZON or LATEST (Lambda: StartingPosition)
 * @param dlqUrl             SQS queue for exhausted batches (Lambda: DestinationConfig.OnFailure), or null
 * @param pollInterval       pause between polls that found nothing
 * @param retryBackoff       wait before the first retry of a failed batch, doubled for each further retry
 * @param maxRetryBackoff    upper bound of one such wait (see {@link RetryPolicy} for the whole rule)
 */
public record RunnerSettings(String streamArn, int batchSize, int maxRetries, boolean bisectOnError,
                             String startingPosition, String dlqUrl, Duration pollInterval,
                             Duration retryBackoff, Duration maxRetryBackoff) {

    public static final int DEFAULT_BATCH_SIZE = 100;
    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(10);

    public RunnerSettings {
        List<String> problems = new ArrayList<>();
        if (streamArn == null || !streamArn.startsWith("arn:")) {
            problems.add("streamArn must be a DynamoDB stream ARN, got '" + streamArn + "'");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            problems.add("batchSize must be in 1..10000, got " + batchSize);
        }
        if (maxRetries < 0 || maxRetries > 10_000) {
            problems.add("maxRetries must be in 0..10000, got " + maxRetries);
        }
        if (!"TRIM_HORIZON".equals(startingPosition) && !"LATEST".equals(startingPosition)) {
            problems.add("startingPosition must be TRIM_HORIZON or LATEST, got '" + startingPosition + "'");
        }
        if (pollInterval == null || pollInterval.isNegative()) {
            problems.add("pollInterval must be >= 0, got " + pollInterval);
        }
        if (retryBackoff == null || retryBackoff.isNegative()) {
            problems.add("retryBackoff must be >= 0, got " + retryBackoff);
        }
        if (maxRetryBackoff == null || retryBackoff != null && maxRetryBackoff.compareTo(retryBackoff) < 0) {
            problems.add("maxRetryBackoff must be >= retryBackoff, got " + maxRetryBackoff);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid runner settings: " + String.join("; ", problems));
        }
    }

    /** With the default retry backoff. */
    public RunnerSettings(String streamArn, int batchSize, int maxRetries, boolean bisectOnError,
                          String startingPosition, String dlqUrl, Duration pollInterval) {
        this(streamArn, batchSize, maxRetries, bisectOnError, startingPosition, dlqUrl, pollInterval,
                DEFAULT_RETRY_BACKOFF, DEFAULT_MAX_RETRY_BACKOFF);
    }

    public static RunnerSettings defaults(String streamArn) {
        return new RunnerSettings(streamArn, DEFAULT_BATCH_SIZE, DEFAULT_MAX_RETRIES, true, "TRIM_HORIZON", null,
                Duration.ofMillis(500));
    }

    /** The retry rule for a handler whose claims last {@code claimLease}. */
    public RetryPolicy retryPolicy(Duration claimLease) {
        return new RetryPolicy(maxRetries, retryBackoff, maxRetryBackoff, claimLease);
    }

    public RunnerSettings withRetryBackoff(Duration initial, Duration max) {
        return new RunnerSettings(streamArn, batchSize, maxRetries, bisectOnError, startingPosition, dlqUrl, pollInterval,
                initial, max);
    }

    public RunnerSettings withStartingPosition(String position) {
        return new RunnerSettings(streamArn, batchSize, maxRetries, bisectOnError, position, dlqUrl, pollInterval,
                retryBackoff, maxRetryBackoff);
    }

    public RunnerSettings withDlqUrl(String url) {
        return new RunnerSettings(streamArn, batchSize, maxRetries, bisectOnError, startingPosition, url, pollInterval,
                retryBackoff, maxRetryBackoff);
    }

    public RunnerSettings withBatchSize(int size) {
        return new RunnerSettings(streamArn, size, maxRetries, bisectOnError, startingPosition, dlqUrl, pollInterval,
                retryBackoff, maxRetryBackoff);
    }

    public RunnerSettings withMaxRetries(int retries) {
        return new RunnerSettings(streamArn, batchSize, retries, bisectOnError, startingPosition, dlqUrl, pollInterval,
                retryBackoff, maxRetryBackoff);
    }
}
