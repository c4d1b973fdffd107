package io.sensorpipe.score;

import io.sensorpipe.schema.Reading;
import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.SensorWindowState;
import io.sensorpipe.window.TumblingWindows;
import java.util.Iterator;
import java.util.List;

/**
 * Trains one sensor's model from its past readings (an archive replay) with the job's own windows and scorer, so the
 * stream can start from a trained model instead of the warm-up.
 *
 * <p>The overlap rule: only readings before the <em>cut</em> (the start of the window holding {@code cutMillis},
 * where the stream takes over) are learnt; later ones are left to the stream. The stream must treat the sensor's
 * windows before the cut as closed ({@link Trained#learntUpTo()}), so each reading counts once, whichever of the
 * two delivered it. Readings may come in any order; a (sensor, ts) seen twice counts once, as in the stream.
 */
public final class HistoryTraining {
    private HistoryTraining() {
    }

    /**
     * @param scorer       the model after learning every window before the cut
     * @param learntUpTo   the cut: windows ending at or before it were learnt, the stream starts there
     * @param windowsLearnt windows learnt (past the scorer's warm-up once at least {@link ScorerConfig#warmupWindows(long)})
     * @param newestTs     event time of the newest learnt reading, or {@link Long#MIN_VALUE} without any
     * @param type         type, site and unit of the newest learnt reading (null without any)
     */
    public record Trained(SensorScorer scorer, long learntUpTo, long windowsLearnt, long newestTs, String type,
                          String site, String unit) {
    }

    public static Trained train(ScorerConfig config, TumblingWindows windows, String sensorId,
                                Iterator<Reading> readings, long cutMillis) {
        long cut = windows.startOf(cutMillis);
        SensorWindowState state = new SensorWindowState(sensorId, windows);
        long newest = Long.MIN_VALUE;
        Reading newestReading = null;
        while (readings.hasNext()) {
            Reading r = readings.next();
            if (!sensorId.equals(r.sensorId()) || r.ts() >= cut) {
                continue;
            }
            state.offer(r.ts(), r.value(), Long.MIN_VALUE);
            if (r.ts() >= newest) {
                newest = r.ts();
                newestReading = r;
            }
        }
        List<ClosedWindow> closed = state.closeUpTo(cut);
        SensorScorer scorer = Scorers.warmStart(config, sensorId, closed);
        return new Trained(scorer, cut, closed.size(), newest, newestReading == null ? null : newestReading.type(),
                newestReading == null ? null : newestReading.site(), newestReading == null ? null : newestReading.unit());
    }
}
