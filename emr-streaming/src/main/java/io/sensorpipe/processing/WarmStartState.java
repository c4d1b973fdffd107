package io.sensorpipe.processing;

import io.sensorpipe.score.HistoryTraining;
import io.sensorpipe.window.SensorWindowState;
import io.sensorpipe.window.TumblingWindows;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A sensor's first state row built from a model trained on history ({@link HistoryTraining}), in the job's usual
 * state format: the trained scorer's snapshot, and open windows that are empty but closed up to the cut, so a
 * stream reading before the cut (the archive had it) is dead-lettered as {@code LATE} instead of being counted twice.
 */
public final class WarmStartState {
    private WarmStartState() {
    }

    /** @param nowMillis processing time the row is made at (the open windows' last arrival) */
    public static SensorState of(String sensorId, TumblingWindows windows, HistoryTraining.Trained trained,
                                 long nowMillis) {
        SensorWindowState open = new SensorWindowState(sensorId, windows);
        open.closeUpTo(trained.learntUpTo());
        SensorState s = new SensorState();
        long newest = trained.newestTs() == Long.MIN_VALUE ? 0 : trained.newestTs();
        // a sensor that fell silent within the history is not news when the job starts: its silence counts as
        // judged until it sends again
        s.setWindows(OpenWindowsCodec.encode(open, nowMillis, List.of(), newest));
        s.setScorer(trained.scorer().snapshot());
        // a token no executor's ScorerCache holds: the first batch restores the snapshot
        s.setScorerToken(ThreadLocalRandom.current().nextLong());
        s.setType(trained.type());
        s.setSite(trained.site());
        s.setUnit(trained.unit());
        s.setLastEventTs(newest);
        return s;
    }
}
