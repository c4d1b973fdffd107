package io.sensorpipe.alerts.runner;

/**
 * Counts of one local runner session (written as JSON by {@code --report-file}).
 *
 * @param recordsRead          stream records read
 * @param filteredOut          dropped by the filter pattern (never invoked the handler)
 * @param invocations          handler invocations, retries included
 * @param retries              re-invocations after a failure (partial or whole batch)
 * @param bisections           batches split in two after a function error
 * @param alertsSent           alerts published to SNS
 * @param suppressedCooldown   anomalous windows not alerted because of the sensor's cooldown
 * @param suppressedDuplicate  windows already alerted (retries, replays)
 * @param ignored              delivered records that needed no alert (normal windows, removes)
 * @param recordFailures       record failures the handler reported (each attempt counts)
 * @param deadLettered         records sent to the on-failure destination after the retries ran out
 * @param seconds              wall time of the session
 */
public record RunReport(long recordsRead, long filteredOut, long invocations, long retries, long bisections,
                        long alertsSent, long suppressedCooldown, long suppressedDuplicate, long ignored,
                        long recordFailures, long deadLettered, double seconds) {

    public String summaryLine() {
        return String.format(java.util.Locale.ROOT,
                "alerts: read=%d filteredOut=%d invocations=%d retries=%d sent=%d suppressedCooldown=%d "
                        + "suppressedDuplicate=%d ignored=%d recordFailures=%d deadLettered=%d in %.1fs",
                recordsRead, filteredOut, invocations, retries, alertsSent, suppressedCooldown, suppressedDuplicate,
                ignored, recordFailures, deadLettered, seconds);
    }
}
