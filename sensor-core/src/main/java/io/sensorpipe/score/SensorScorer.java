package io.sensorpipe.score;

import io.sensorpipe.window.ClosedWindow;

/**
 * One sensor's streaming model: scores each closed window (in window order) and learns from it. Not thread-safe.
 * {@link #snapshot()} captures the whole state: {@link Scorers#restore} of it scores the next windows exactly as
 * this scorer would.
 */
public interface SensorScorer {
    WindowScore score(ClosedWindow window);

    byte[] snapshot();

    /** Windows scored so far (including warm-up). */
    long windowsSeen();
}
