package io.sensorpipe.alerts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The alert handler's configuration, read from the Lambda's environment (or a map the local runner builds from its
 * flags), validated at start so a bad deployment fails at init with the offending variable named.
 *
 * @param topicArn       {@value #TOPIC_ARN}: SNS topic the alerts go to
 * @param stateTable     {@value #STATE_TABLE}: alert-state table (pk {@code sensorId} S) holding the cooldown claims
 * @param cooldown       {@value #COOLDOWN_SECONDS} (default 900): at most one alert per sensor per this much event
 *                       time (window start); 0 still suppresses duplicates of the same window
 * @param claimLease     {@value #CLAIM_LEASE_SECONDS} (default 60, at least the function timeout): how long a claim
 *                       whose publish never finished (crashed invocation) blocks a retry of the same window
 * @param historyMargin  {@value #HISTORY_MINUTES} (default 60): the query command in the alert spans this much
 *                       before and after the window
 */
public record AlertConfig(String topicArn, String stateTable, Duration cooldown, Duration claimLease,
                          Duration historyMargin) {

    public static final String TOPIC_ARN = "ALERT_TOPIC_ARN";
    public static final String STATE_TABLE = "ALERT_STATE_TABLE";
    public static final String COOLDOWN_SECONDS = "ALERT_COOLDOWN_SECONDS";
    public static final String CLAIM_LEASE_SECONDS = "ALERT_CLAIM_LEASE_SECONDS";
    public static final String HISTORY_MINUTES = "ALERT_HISTORY_MINUTES";

    public static final long DEFAULT_COOLDOWN_SECONDS = 900;
    public static final long DEFAULT_CLAIM_LEASE_SECONDS = 60;
    public static final long DEFAULT_HISTORY_MINUTES = 60;

    public AlertConfig {
        List<String> problems = new ArrayList<>();
        if (topicArn == null || !topicArn.startsWith("arn:") || topicArn.split(":").length < 6) {
            problems.add(TOPIC_ARN + (topicArn == null ? " is not set" : " is '" + topicArn + "'")
                    + ": it must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)");
        }
        if (stateTable == null || !stateTable.matches("[a-zA-Z0-9_.-]{3,255}")) {
            problems.add(STATE_TABLE + (stateTable == null ? " is not set" : " is '" + stateTable + "'")
                    + ": it must be a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -)");
        }
        if (cooldown == null || cooldown.isNegative()) {
            problems.add(COOLDOWN_SECONDS + " must be >= 0, got " + cooldown);
        }
        if (claimLease == null || claimLease.isNegative() || claimLease.isZero()) {
            problems.add(CLAIM_LEASE_SECONDS + " must be > 0, got " + claimLease);
        }
        if (historyMargin == null || historyMargin.isNegative()) {
            problems.add(HISTORY_MINUTES + " must be >= 0, got " + historyMargin);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid alert configuration: " + String.join("; ", problems));
        }
    }

    /** Reads the configuration from environment variables ({@code System.getenv()} on Lambda). */
    public static AlertConfig fromEnv(Map<String, String> env) {
        return new AlertConfig(
                trimToNull(env.get(TOPIC_ARN)),
                trimToNull(env.get(STATE_TABLE)),
                Duration.ofSeconds(longVar(env, COOLDOWN_SECONDS, DEFAULT_COOLDOWN_SECONDS)),
                Duration.ofSeconds(longVar(env, CLAIM_LEASE_SECONDS, DEFAULT_CLAIM_LEASE_SECONDS)),
                Duration.ofMinutes(longVar(env, HISTORY_MINUTES, DEFAULT_HISTORY_MINUTES)));
    }

    private static long longVar(Map<String, String> env, String name, long fallback) {
        String raw = trimToNull(env.get(name));
        if (raw == null) {
            return fallback;
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid alert configuration: " + name + " must be a whole number, got '" + raw + "'");
        }
    }

    private static String trimToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
