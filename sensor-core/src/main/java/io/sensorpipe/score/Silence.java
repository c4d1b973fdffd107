package io.sensorpipe.score;

import io.sensorpipe.window.TumblingWindows;

/**
 * When a sensor that stopped reporting is flagged while it is silent: one rule for the streaming job and the offline
 * replays of the detector, so both flag the same window at the same event time.
 *
 * <p>A sensor is silent once event time (the watermark, carried by the other sensors' readings) has passed
 * {@value #EMPTY_WINDOWS} whole windows after the window of its newest reading; it is flagged once per silence, and
 * only if its model says silence is unusual for it ({@link SensorScorer#flagsSilence}). The clock never decides: when
 * every sensor stops, event time stops and no sensor is silent. When it comes back, the first window it closes is
 * judged by {@link #afterFlaggedSilence}: one dropout, one flag.
 */
public final class Silence {
    /** Whole empty windows before a sensor counts as silent: one can be empty by the jitter of a sensor's clock. */
    public static final int EMPTY_WINDOWS = 2;
    /** The detector part a silence is reported as: the gap rule's, which flags the same dropout when it ends. */
    public static final Detector DETECTOR = Detector.SENSOR_FAULT;

    private Silence() {
    }

    /** The window a silence is flagged for: the last of the empty windows after the one holding the newest reading. */
    public static long flaggedWindowStart(TumblingWindows windows, long newestTs) {
        return windows.startOf(newestTs) + EMPTY_WINDOWS * windows.sizeMillis();
    }

    /** The event time the watermark must reach before the silence of a sensor last heard at {@code newestTs} is judged. */
    public static long dueAt(TumblingWindows windows, long newestTs) {
        return windows.endOf(flaggedWindowStart(windows, newestTs));
    }

    /** Whether the watermark has passed the flagged window, so the silence can be judged now. */
    public static boolean due(TumblingWindows windows, long newestTs, long watermark) {
        return watermark >= dueAt(windows, newestTs);
    }

    /**
     * The verdict to store for the first window a sensor closes after its silence was flagged. Its return ends that
     * incident: the gap rule's flag ({@link FaultKind#GAP}, the same dropout seen from its end) is not a flag, and its
     * score is damped as a cooldown damps a repeat (× 0.2, so it still ranks windows), so one dropout raises one alert
     * however long it lasts. Any other verdict (a spike in that window, say) is kept. The model itself counted the
     * gap as its fault (its cooldown and incident state), as before.
     */
    public static WindowScore afterFlaggedSilence(WindowScore score) {
        if (score.fault() != FaultKind.GAP) {
            return score;
        }
        return new WindowScore(score.anomalyScore() * TrcfEnsembleScorer.COOLDOWN_DAMPING, score.anomalyGrade(), false,
                score.expected(), score.expectedLow(), score.expectedHigh(), Detector.NONE, null);
    }
}
