package io.sensorpipe.alerts.cooldown;

/** What happened when a window asked for the right to alert. */
public enum ClaimOutcome {
    /** This invocation owns the alert for the window and must publish (then mark sent, or release). */
    CLAIMED,
    /** The same window was already alerted: a retry or a replay. */
    DUPLICATE,
    /** Another window of the sensor was alerted less than the cooldown before this one (or after it). */
    COOLDOWN,
    /** Another invocation claimed this very window and has not finished publishing yet: try again later. */
    IN_FLIGHT
}
