package io.sensorpipe.score;

import io.sensorpipe.window.ClosedWindow;

/**
 * One sensor's streaming model: scores each closed window (in window order) and learns from it. Not thread-safe.
 * {@link #snapshot()} captures the whole state: {@link Scorers#restore} of it scores the next windows exactly as
 * this scorer would.
 */
public interface SensorScorer {
    /** Scores the window, then learns from it. */
    WindowScore score(ClosedWindow window);

    /**
     * Learns from a past window without judging it (warm start from history: an archive replay, a demo's
     * {@code --history}): the model is updated exactly as by {@link #score}, the window counts towards the warm-up,
     * and nothing is flagged or starts a cooldown. Windows must still come in order, before the live ones.
     */
    default void learn(ClosedWindow window) {
        score(window);
    }

    /**
     * Whether this sensor going silent (whole windows without a reading, judged while it lasts) is a fault: it
     * usually sends several readings in every window and the model is past its warm-up. Does not change the model.
     */
    default boolean flagsSilence() {
        return false;
    }

    byte[] snapshot();

    /** Windows seen so far (scored or learnt, including warm-up). */
    long windowsSeen();
}
