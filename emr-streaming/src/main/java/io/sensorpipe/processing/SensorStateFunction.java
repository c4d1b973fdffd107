package io.sensorpipe.processing;

import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.schema.WindowResult;
import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.score.Scorers;
import io.sensorpipe.score.WindowResults;
import io.sensorpipe.score.SensorScorer;
import io.sensorpipe.score.Silence;
import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.SensorWindowState;
import io.sensorpipe.window.WindowStateCodec;
import io.sensorpipe.window.TumblingWindows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.sql.streaming.GroupState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-sensor step of {@code flatMapGroupsWithState} (processing-time timeouts): adds readings to their windows,
 * emits a {@link JobOutput#LATE} row for each reading whose window already closed, a {@link JobOutput#DUPLICATE}
 * row for a repeat of a reading already in its window (readings arrive packed per sensor and shard,
 * {@link ReadingPack}), closes the windows the watermark passed, scores them in window order and emits
 * {@link JobOutput#WINDOW} rows; a sensor gone silent is flagged once while it lasts ({@link #judgeSilence}), and
 * not again when it comes back. Rejects (the {@link ParsedRecord#isDeadLetterKey} groups)
 * pass through as {@link JobOutput#DEAD} rows, lazily and without state.
 *
 * <p><b>Never wedges.</b> A scorer snapshot that cannot be restored (changed scorer settings, a new model version,
 * a corrupt row) is replaced by a fresh model for that sensor and reported as a {@link JobOutput#MODEL_RESET} row
 * with the reason; an open-windows row that cannot be decoded restarts that sensor's open windows empty
 * ({@link JobOutput#STATE_RESET}). Windows keep flowing either way.
 *
 * <p><b>Snapshots every 16–32 windows.</b> A sensor's model snapshot is rewritten once per
 * {@link #snapshotAfter} scored windows, not at every close; the windows scored since are kept in its open-windows
 * column ({@link OpenWindowsCodec}), and a model restored from the snapshot replays them, so a restarted or re-run
 * batch scores exactly as the live model would. Between batches the live model stays in this executor's
 * {@link ScorerCache}. The snapshot itself is kept by a {@link ModelStore}: in the job, written once as a file and
 * referred to by the row, so the row Spark stores at every reading does not carry it.
 *
 * <p><b>Quiet sensors close.</b> A live sensor (its readings arrive within watermark delay + a window of their event
 * time) that got no reading for longer than the watermark delay (processing time) closes its windows up to {@code max(watermark, newest ts + time since that reading arrived − watermark delay)}:
 * what a reading arriving now would close if event time went on at the wall clock's pace, so the last windows of a
 * stream whose producers stopped are still written (within watermark delay + a trigger of their end). Its timer is
 * set to that moment (at most a window ahead, then it re-checks). Replayed old data closes by watermark only, checked
 * by the timer once per window length of processing time. Timers are
 * processing-time timers because only those make Spark run batches while no data arrives.
 *
 * <p>The clock stands in for event time only for time the job was reading, and not for a sensor the run has not
 * read yet while the watermark moves on: the quiet time counts from the sensor's newest arrival or the start of the
 * run the batch belongs to ({@link RunStarts}), whichever is later; and a sensor whose newest arrival is before that
 * start is closed by the clock only while the watermark is still where the run started (the stream is quiet), not
 * while it moves (the run reads a backlog that may hold the sensor's readings; the watermark closes its windows).
 * Otherwise a job down for minutes (a kill, a redeploy) would close, or after {@code idleTimeout} forget with their
 * models, the windows of sensors whose readings of that time wait unread in the backlog, and they would come out
 * late. The starts are recorded in the checkpoint and a batch re-run after a crash keeps its time, so the re-run
 * belongs to its first attempt's run and closes the same windows.
 *
 * <p>A sensor with no open window whose newest reading is {@code idleTimeout} behind the watermark (or behind the
 * clock-based watermark above, for a live sensor) has its state removed (bounded state).
 * {@code processedAt} is Spark's batch time, which a re-run batch keeps, so replayed results are identical.
 */
public final class SensorStateFunction
        implements FlatMapGroupsWithStateFunction<String, ReadingPack, SensorState, JobOutput> {
    private static final Logger LOG = LoggerFactory.getLogger(SensorStateFunction.class);
    /** Shortest timer: below it the timer would fire in the very next trigger anyway. */
    private static final long MIN_TIMER_MS = 100;
    /**
     * At most this many windows scored between two snapshots of a sensor's model. A snapshot (≈3 ms and ≈45 KB for
     * the default forest) at every close was the largest cost of the state step; the windows since the snapshot
     * (≈90 bytes each) are kept instead, and a model restored from its snapshot replays them (≈0.1 ms each).
     */
    static final int SNAPSHOT_EVERY = 32;

    private final TumblingWindows windows;
    private final ScorerConfig scorerConfig;
    private final long idleTimeoutMillis;
    private final long watermarkDelayMillis;
    private final ModelStore models;
    /** The checkpoint's query starts: quiet time counts from a run's start (above). */
    private final RunStarts runStarts;

    /** Model snapshots kept in the state row ({@link ModelStore#inline}). */
    public SensorStateFunction(Duration windowSize, Duration watermarkDelay, ScorerConfig scorerConfig,
                               Duration idleTimeout) {
        this(windowSize, watermarkDelay, scorerConfig, idleTimeout, ModelStore.inline());
    }

    /** @param models where the models' snapshots live (the row keeps what {@link ModelStore#keep} returns) */
    public SensorStateFunction(Duration windowSize, Duration watermarkDelay, ScorerConfig scorerConfig,
                               Duration idleTimeout, ModelStore models) {
        this(windowSize, watermarkDelay, scorerConfig, idleTimeout, models, RunStarts.none());
    }

    /** @param runStarts the checkpoint's query starts (none: quiet time counts from arrivals only) */
    public SensorStateFunction(Duration windowSize, Duration watermarkDelay, ScorerConfig scorerConfig,
                               Duration idleTimeout, ModelStore models, RunStarts runStarts) {
        this.runStarts = runStarts;
        this.windows = new TumblingWindows(windowSize);
        this.scorerConfig = scorerConfig;
        this.idleTimeoutMillis = idleTimeout.toMillis();
        this.watermarkDelayMillis = watermarkDelay.toMillis();
        this.models = models;
    }

    @Override
    public Iterator<JobOutput> call(String key, Iterator<ReadingPack> rows, GroupState<SensorState> state) {
        long batchTime = state.getCurrentProcessingTimeMs();
        if (ParsedRecord.isDeadLetterKey(key)) {
            // lazily: a poison flood of large records never sits in one list
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public JobOutput next() {
                    return JobOutput.rejected(rows.next(), batchTime);
                }
            };
        }
        long watermark = state.getCurrentWatermarkMs();
        List<JobOutput> out = new ArrayList<>();
        SensorState s = state.exists() ? state.get() : new SensorState();
        SensorWindowState open = null;
        long lastArrival = batchTime;
        List<ClosedWindow> sinceSnapshot = new ArrayList<>();
        long silenceJudgedFor = OpenWindowsCodec.NONE;
        if (s.getWindows() != null) {
            try {
                OpenWindowsCodec.OpenWindows decoded = OpenWindowsCodec.decode(s.getWindows(), key, windows);
                open = decoded.state();
                lastArrival = decoded.lastArrivalMs();
                sinceSnapshot = decoded.sinceSnapshot();
                silenceJudgedFor = decoded.silenceJudgedFor();
            } catch (IllegalArgumentException | IllegalStateException e) {
                String unreadable = e.getMessage();
                if (e instanceof WindowStateCodec.WindowSizeChanged changed) {
                    try {
                        OpenWindowsCodec.OpenWindows carried = carryOver(key, s, changed);
                        open = carried.state();
                        lastArrival = carried.lastArrivalMs();
                    } catch (IllegalArgumentException | IllegalStateException inItsOwnSize) {
                        unreadable = e.getMessage() + ", and the row is unreadable in its own size too: "
                                + inItsOwnSize.getMessage();
                    }
                    if (s.getScorer() != null) {
                        // its model learned windows of the old size (counts, spreads, seasonal slots): it would flag
                        // the new ones as anomalies. Its files stay (the committed row still names them, e.g. for a
                        // rollback of the flag); they go with the checkpoint.
                        String reason = "window size changed: the model learned " + e.getMessage();
                        LOG.warn("sensor {}: {}; a fresh model starts its warm-up", key, reason);
                        out.add(JobOutput.reset(JobOutput.MODEL_RESET, key, reason, batchTime));
                        s.setScorer(null);
                    }
                }
                if (open == null) {
                    LOG.warn("sensor {}: open windows unreadable ({}); they restart empty", key, unreadable);
                    out.add(JobOutput.reset(JobOutput.STATE_RESET, key, unreadable, batchTime));
                }
                // the windows scored since the snapshot were in that row: from now on the model is the snapshot
                // alone, on every executor (a cached live model would still hold them)
                s.setScorerToken(ThreadLocalRandom.current().nextLong());
            }
        }
        if (open == null) {
            open = new SensorWindowState(key, windows);
        }
        boolean hadReadings = rows.hasNext();
        long newestBefore = s.getLastEventTs();
        boolean acceptedAny = false;
        while (rows.hasNext()) {
            ReadingPack p = rows.next();
            s.setType(p.getType());
            s.setSite(p.getSite());
            s.setUnit(p.getUnit());
            long[] ts = p.getTs();
            double[] values = p.getValues();
            for (int i = 0; i < ts.length; i++) {
                s.setLastEventTs(Math.max(s.getLastEventTs(), ts[i]));
                SensorWindowState.Acceptance accepted = open.offer(ts[i], values[i], watermark);
                acceptedAny |= accepted == SensorWindowState.Acceptance.ACCEPTED;
                if (accepted == SensorWindowState.Acceptance.LATE) {
                    out.add(JobOutput.deadLetter(JobOutput.LATE, p, i, JobOutput.LATE, lateReason(open, ts[i],
                            watermark), batchTime));
                } else if (accepted == SensorWindowState.Acceptance.DUPLICATE) {
                    // at-least-once delivery (a producer retry of a stored record): counted once, the copy reported
                    out.add(JobOutput.deadLetter(JobOutput.DUPLICATE, p, i, JobOutput.DUPLICATE,
                            JobOutput.duplicateMessage(key, ts[i]), batchTime));
                }
            }
        }
        if (hadReadings) {
            lastArrival = batchTime;
            if (!acceptedAny && silenceJudgedFor == newestBefore) {
                // only late or repeated readings: the sensor is still silent, and its silence was judged already
                silenceJudgedFor = s.getLastEventTs();
            }
        }
        long closeTo = watermark;
        if (hadReadings) {
            // Close now what this sensor's own newest reading guarantees the next batch's watermark passes (Spark's
            // watermark after this batch is at least newest ts − delay): the same windows with the same readings
            // as one batch later, since a reading of a later batch for them is LATE either way; their results are
            // written a trigger earlier, without a batch spent only on closing them.
            closeTo = Math.max(closeTo, s.getLastEventTs() - watermarkDelayMillis);
        }
        RunStarts.Run run = runStarts.of(batchTime);
        long quietSince = Math.max(lastArrival, run.start()); // time the job was down is not quiet time
        boolean clockStandsIn = lastArrival >= run.start() || watermark <= run.watermark();
        if (!hadReadings && state.hasTimedOut() && batchTime - quietSince >= watermarkDelayMillis
                && isLive(s.getLastEventTs(), lastArrival) && clockStandsIn) {
            closeTo = Math.max(watermark, quietWatermark(s.getLastEventTs(), quietSince, batchTime));
        }
        TumblingWindows grid = open.windows(); // before the close, which drops a change of size it completes
        List<ClosedWindow> closed = open.closeUpTo(closeTo);
        if (grid.hasSizeChange()) {
            closed = writeSizeChangeWindows(grid, closed, batchTime, s, out);
        }
        if (!closed.isEmpty()) {
            Model model = scorerFor(key, s, sinceSnapshot, batchTime, out);
            SensorScorer scorer = model.scorer();
            // A judged silence leaves its event time here until the next close, and the model unchanged since the
            // close before it: asked again now, the model gives the answer the judgement got, so this is "the
            // sensor is back after a silence that was flagged" (a time written by a close whose model said no
            // also gets no here).
            boolean afterFlaggedSilence = silenceJudgedFor != OpenWindowsCodec.NONE
                    && silenceJudgedFor != OpenWindowsCodec.FLAGGABLE && scorer.flagsSilence();
            for (ClosedWindow w : closed) {
                WindowResult result = WindowScoring.scoreOrUnscored(scorer, w, afterFlaggedSilence,
                        scorerConfig.modelVersion(), batchTime, s.getType(), s.getSite(), s.getUnit());
                afterFlaggedSilence = false;
                out.add(JobOutput.window(result));
            }
            sinceSnapshot.addAll(closed);
            // whether its silence would be a fault is the model's, known now: a sensor for which it never is (a
            // sparse one) is not looked at, nor its model loaded, while it is quiet
            silenceJudgedFor = scorer.flagsSilence() ? OpenWindowsCodec.FLAGGABLE : s.getLastEventTs();
            if (model.fresh() || sinceSnapshot.size() >= snapshotAfter(key)) {
                s.setScorer(models.keep(key, scorer.windowsSeen(), scorer.snapshot(), s.getScorer()));
                sinceSnapshot.clear();
            }
            long token = ThreadLocalRandom.current().nextLong();
            s.setScorerToken(token);
            ScorerCache.put(key, token, scorerConfig.modelVersion(), scorer);
        }
        boolean modelUsed = !closed.isEmpty();
        if (!hadReadings && !open.hasOpenWindows() && silenceJudgedFor != s.getLastEventTs()
                && Silence.due(windows, s.getLastEventTs(), watermark)) {
            boolean flaggable = silenceJudgedFor == OpenWindowsCodec.FLAGGABLE;
            silenceJudgedFor = s.getLastEventTs();
            judgeSilence(key, s, sinceSnapshot, batchTime, flaggable, out);
            modelUsed = true;
        }
        if (!open.hasOpenWindows() && s.getLastEventTs() + idleTimeoutMillis <= closeTo) {
            if (!modelUsed) {
                // Deleting the model's files is safe only in a call that did not need them: a re-run of this
                // batch starts from the committed row, which still names them.
                models.forget(key, s.getScorer()); // so sensors that come and go leave no files behind
                state.remove(); // silent sensor: forget it (its model restarts with warm-up if it comes back)
                return out.iterator();
            }
            s.setWindows(OpenWindowsCodec.encode(open, lastArrival, sinceSnapshot, silenceJudgedFor));
            state.update(s);
            state.setTimeoutDuration(MIN_TIMER_MS); // forgotten in the next batch, which needs no model
            return out.iterator();
        }
        s.setWindows(OpenWindowsCodec.encode(open, lastArrival, sinceSnapshot, silenceJudgedFor));
        state.update(s);
        state.setTimeoutDuration(timerMillis(open, s.getLastEventTs(), lastArrival, quietSince, batchTime,
                clockStandsIn, silenceJudgedFor == s.getLastEventTs()));
        return out.iterator();
    }

    /**
     * After a {@code --window} change: the sensor's row read with the size it was written with, its open windows
     * kept as they began and its windows going on with the new size after them ({@link SensorWindowState#changeSize}),
     * so no reading turns late or is lost to the change. The windows since the model's snapshot are dropped with the
     * model.
     *
     * @throws IllegalArgumentException when the row is unreadable in its own size too (then it resets as any
     *                                  unreadable row)
     */
    private OpenWindowsCodec.OpenWindows carryOver(String key, SensorState s, WindowStateCodec.WindowSizeChanged changed) {
        OpenWindowsCodec.OpenWindows stored = OpenWindowsCodec.decode(s.getWindows(), key,
                new TumblingWindows(Duration.ofMillis(changed.storedSizeMillis())));
        stored.state().changeSize(windows);
        LOG.info("sensor {}: window size changed ({}): its {} open windows close as they began, then {}", key,
                changed.getMessage(), stored.state().openWindowCount(), stored.state().windows());
        return stored;
    }

    /**
     * The closed windows that a change of window size shaped (of the previous size, or the one from the change to the
     * first window of the new size) written unscored: the model was reset with the size, and these are not windows of
     * the size it learns. Returns the others, in order.
     */
    private List<ClosedWindow> writeSizeChangeWindows(TumblingWindows grid, List<ClosedWindow> closed, long batchTime,
                                                      SensorState s, List<JobOutput> out) {
        List<ClosedWindow> rest = new ArrayList<>(closed.size());
        for (ClosedWindow w : closed) {
            if (grid.fromSizeChange(w.windowStart())) {
                String reason = "window size changed to " + windows.sizeMillis() + " ms (" + JobOptions.WINDOW
                        + "): a window of " + (w.windowEnd() - w.windowStart()) + " ms at the change, not scored";
                out.add(JobOutput.window(WindowScoring.unscored(w, reason, scorerConfig.modelVersion(), batchTime,
                        s.getType(), s.getSite(), s.getUnit())));
            } else {
                rest.add(w);
            }
        }
        return rest;
    }

    /**
     * Why a reading is late: its window closed by the watermark, or ahead of it (see {@link #call}). The window is
     * named by its end, not its bounds: after a {@code --window} change the windows of that time had the old size.
     */
    static String lateReason(SensorWindowState open, long ts, long watermark) {
        String why = "the reading came later than " + JobOptions.WATERMARK + " allows";
        if (open.windows().endOf(open.windows().startOf(ts)) <= watermark) {
            return "the window of ts " + ts + " closed (watermark " + watermark + "): " + why;
        }
        return "the window of ts " + ts + " closed at " + open.closedUpTo() + ", ahead of the watermark " + watermark
                + " (by the sensor's newer readings, or by the clock while it was quiet): " + why;
    }

    /**
     * Whether the sensor's newest reading arrived close to its event time (within watermark delay + a window). Only
     * then does processing time stand in for event time: a replay of old data must not have its windows closed by
     * the wall clock, or its later readings would turn late.
     */
    private boolean isLive(long newestTs, long arrivedAt) {
        return arrivedAt - newestTs <= watermarkDelayMillis + windows.sizeMillis();
    }

    /** What a reading arriving now would make the watermark: event time assumed to go on at the wall clock's pace. */
    private long quietWatermark(long newestTs, long arrivedAt, long now) {
        return newestTs + Math.max(0, now - arrivedAt) - watermarkDelayMillis;
    }

    /**
     * Until the earliest open window closes: in the next batch when the sensor's own newest reading put the
     * watermark past it, else (live sensors) when {@link #quietWatermark} passes it, at most a window ahead (then
     * it re-checks).
     */
    private long timerMillis(SensorWindowState open, long newestTs, long arrivedAt, long quietSince, long now,
                             boolean clockStandsIn, boolean silenceJudged) {
        if (open.hasOpenWindows() && open.earliestOpenWindowEnd() <= newestTs - watermarkDelayMillis) {
            return MIN_TIMER_MS; // its own readings moved the watermark past the window: closes in the next batch
        }
        if (!isLive(newestTs, arrivedAt) || !clockStandsIn) { // by watermark only: look again later
            return open.hasOpenWindows() || !silenceJudged ? windows.sizeMillis()
                    : Math.max(windows.sizeMillis(), idleTimeoutMillis / 10);
        }
        long due = open.hasOpenWindows() ? open.earliestOpenWindowEnd()
                : silenceJudged ? newestTs + idleTimeoutMillis
                : Silence.dueAt(windows, newestTs); // then once a window until the watermark is there
        long closesAt = quietSince + Math.max(watermarkDelayMillis, due + watermarkDelayMillis - newestTs);
        long cap = open.hasOpenWindows() || !silenceJudged ? windows.sizeMillis()
                : idleTimeoutMillis + watermarkDelayMillis;
        if (!open.hasOpenWindows() && !silenceJudged && closesAt <= now) {
            return cap; // silence due but the watermark is not there yet (event time stopped?): once a window
        }
        return Math.max(MIN_TIMER_MS, Math.min(closesAt - now, cap));
    }

    /**
     * A sensor that sent nothing while the stream's event time went past {@link Silence#EMPTY_WINDOWS} whole windows
     * ({@link Silence}, the rule the offline replays use too): flagged once, as the {@code gap} rule would flag it when
     * it comes back, if its model says silence is unusual for it ({@link SensorScorer#flagsSilence}, asked at its last
     * close and kept in the row as {@link OpenWindowsCodec#FLAGGABLE}); the gap flag on its return is then damped
     * ({@link Silence#afterFlaggedSilence}). The model is only asked, not changed, so nothing here needs replaying; the
     * windows stay empty (no result besides this one).
     */
    private void judgeSilence(String key, SensorState s, List<ClosedWindow> sinceSnapshot, long batchTime,
                              boolean flaggable, List<JobOutput> out) {
        if (!flaggable) { // NONE, a row of an earlier release: the model was not asked at its last close
            if (s.getScorer() == null) {
                return; // no model yet: nothing known about how often it reports
            }
            Model model = scorerFor(key, s, sinceSnapshot, batchTime, new ArrayList<>());
            if (model.fresh()) {
                return; // its snapshot could not be restored: the next close resets (and counts) it
            }
            ScorerCache.put(key, s.getScorerToken(), scorerConfig.modelVersion(), model.scorer());
            flaggable = model.scorer().flagsSilence();
        }
        if (flaggable) {
            long start = Silence.flaggedWindowStart(windows, s.getLastEventTs());
            out.add(JobOutput.window(WindowResults.silence(key, start, start + windows.sizeMillis(),
                    scorerConfig.modelVersion(), batchTime, s.getType(), s.getSite(), s.getUnit())));
        }
    }

    /**
     * Windows a sensor's model scores between two snapshots: from {@value #SNAPSHOT_EVERY} / 2 to
     * {@value #SNAPSHOT_EVERY}, fixed per sensor (its key's hash), so sensors whose windows close together do not
     * all pay for a snapshot in the same batch.
     */
    static int snapshotAfter(String key) {
        return SNAPSHOT_EVERY / 2 + Math.floorMod(key.hashCode(), SNAPSHOT_EVERY / 2 + 1);
    }

    /**
     * A sensor's model; {@code fresh}: created here, so the stored snapshot is none or another model's. A fresh
     * model is snapshot at its first close: a later change of settings then finds a snapshot to reset (and count),
     * and a reset one's old snapshot is not restored (and reset) again.
     */
    private record Model(SensorScorer scorer, boolean fresh) {
    }

    /**
     * The sensor's live model (this executor's cache) or its snapshot restored and the windows scored since
     * replayed through it, in order, as they were scored (a model is deterministic: the same model as the live
     * one); a fresh model (reported as {@link JobOutput#MODEL_RESET}) when the snapshot cannot be restored.
     */
    private Model scorerFor(String key, SensorState s, List<ClosedWindow> sinceSnapshot, long batchTime,
                            List<JobOutput> out) {
        SensorScorer cached = ScorerCache.take(key, s.getScorerToken(), scorerConfig.modelVersion());
        if (cached != null) {
            return new Model(cached, false);
        }
        SensorScorer scorer;
        boolean fresh = false;
        if (s.getScorer() == null) {
            scorer = Scorers.create(scorerConfig, key);
            fresh = true;
        } else {
            try {
                scorer = Scorers.restore(scorerConfig, models.load(key, s.getScorer()));
            } catch (ModelStore.Unavailable e) {
                throw e; // the store, not the model: Spark retries the task, the model is kept
            } catch (RuntimeException e) {
                String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.warn("sensor {}: model cannot be restored ({}); a fresh model starts its warm-up", key, reason);
                out.add(JobOutput.reset(JobOutput.MODEL_RESET, key, reason, batchTime));
                scorer = Scorers.create(scorerConfig, key);
                fresh = true;
            }
        }
        for (ClosedWindow w : sinceSnapshot) {
            Scorers.scoreOrUnscored(scorer, w); // its result was written when the window closed
        }
        return new Model(scorer, fresh);
    }
}
