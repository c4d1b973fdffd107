package io.sensorpipe.alerts.runner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When the local runner retries a failed batch.
 *
 * <p>Rule: before every retry the runner waits {@code initialBackoff × 2^(n-1)} for the n-th retry of a batch, at
 * most {@code maxBackoff} (splits of a bisected batch are not retries and go at once). A retry counts against
 * {@code maxRetries} except when a record of the failed attempt failed only because another invocation holds its
 * window's claim ({@link io.sensorpipe.alerts.AlertHandler#CLAIM_IN_FLIGHT_REASON}): such retries are free while the
 * attempt started less than {@code claimLease} after the batch first met the claim, because until then the other
 * invocation may still publish or its lease may still block the window. An attempt that starts later and still
 * meets a claim is counted as usual, so a record is dead-lettered for an in-flight claim only after the lease can
 * have expired and the normal retries ran out.
 *
 * @param maxRetries      counted retries before the rest of the batch is dead-lettered (Lambda: MaximumRetryAttempts)
 * @param initialBackoff  wait before the first retry (0 = retry at once)
 * @param maxBackoff      upper bound of one wait
 * @param claimLease      the handler's claim lease (ALERT_CLAIM_LEASE_SECONDS)
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration claimLease) {

    public RetryPolicy {
        List<String> problems = new ArrayList<>();
        if (maxRetries < 0 || maxRetries > 10_000) {
            problems.add("maxRetries must be in 0..10000, got " + maxRetries);
        }
        if (initialBackoff == null || initialBackoff.isNegative()) {
            problems.add("initialBackoff must be >= 0, got " + initialBackoff);
        }
        if (maxBackoff == null || initialBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
            problems.add("maxBackoff must be >= initialBackoff, got " + maxBackoff);
        }
        if (claimLease == null || claimLease.isNegative()) {
            problems.add("claimLease must be >= 0, got " + claimLease);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid retry policy: " + String.join("; ", problems));
        }
    }

    /** Retries at once, never waits for a claim: Lambda's counting without delays. */
    public static RetryPolicy immediate(int maxRetries) {
        return new RetryPolicy(maxRetries, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    /** The wait before the {@code retry}-th retry (1-based) of a batch. */
    public Duration backoffBefore(int retry) {
        if (initialBackoff.isZero() || retry < 1) {
            return Duration.ZERO;
        }
        int doublings = Math.min(retry - 1, 30);
        Duration wait = initialBackoff.multipliedBy(1L << doublings);
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
