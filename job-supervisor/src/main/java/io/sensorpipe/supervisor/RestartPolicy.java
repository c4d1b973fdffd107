package io.sensorpipe.supervisor;

import java.time.Duration;
import java.time.Instant;

/**
 * When to restart a job that ended on its own: exponential backoff ({@code base · 2^n}, at most {@code maxDelay})
 * and at most {@code maxRestarts} restarts per {@code window}; the count starts over once a window has passed since
 * the first restart of the current streak (a job that stayed up that long is healthy again). Pure: no clock, no AWS.
 */
public record RestartPolicy(int maxRestarts, Duration baseDelay, Duration maxDelay, Duration window) {

    public RestartPolicy {
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must be >= 0, got " + maxRestarts);
        }
        if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay, got " + baseDelay + " and " + maxDelay);
        }
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
    }

    /** Defaults: 5 restarts per 6 h, 30 s doubling to at most 8 min (fits one supervisor invocation). */
    public static RestartPolicy defaults() {
        return new RestartPolicy(5, Duration.ofSeconds(30), Duration.ofMinutes(8), Duration.ofHours(6));
    }

    /**
     * @param restart    whether to restart
     * @param delay      wait before submitting
     * @param attempt    number of this restart in the streak (1-based), or the streak length when giving up
     * @param streakFrom start of the streak after this decision
     */
    public record Decision(boolean restart, Duration delay, int attempt, Instant streakFrom) {
    }

    /** {@code restartsSoFar} restarts since {@code streakFrom} (null: none yet). */
    public Decision decide(int restartsSoFar, Instant streakFrom, Instant now) {
        int done = restartsSoFar;
        Instant from = streakFrom;
        if (from == null || Duration.between(from, now).compareTo(window) >= 0) {
            done = 0;
            from = now;
        }
        if (done >= maxRestarts) {
            return new Decision(false, Duration.ZERO, done, from);
        }
        Duration delay = baseDelay.multipliedBy(1L << Math.min(done, 20));
        if (delay.compareTo(maxDelay) > 0) {
            delay = maxDelay;
        }
        return new Decision(true, delay, done + 1, from);
    }
}
