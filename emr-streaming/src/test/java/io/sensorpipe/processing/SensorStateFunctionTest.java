package io.sensorpipe.processing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.schema.WindowResult;
import io.sensorpipe.score.Scorers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.Optional;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.TestGroupState;
import org.junit.jupiter.api.Test;

/** The per-sensor step called directly with Spark's {@link TestGroupState}: resets, quiet close, idle removal. */
class SensorStateFunctionTest {
    private static final ScorerConfig SCORER = ScorerConfig.builder().warmupWindows(4).numberOfTrees(10)
            .sampleSize(32).shingleSize(2).build();
    private static final long W = 10_000;
    private static final long DELAY = 5_000;
    private static final long T0 = 1_764_072_000_000L;

    private final SensorStateFunction fn = new SensorStateFunction(Duration.ofMillis(W), Duration.ofMillis(DELAY),
            SCORER, Duration.ofSeconds(60));
    private long seq;

    /** One call's outcome: its rows and the state it left. */
    private record Step(List<JobOutput> out, TestGroupState<SensorState> state) {
        List<JobOutput> of(String kind) {
            return out.stream().filter(o -> o.getKind().equals(kind)).toList();
        }

        SensorState next() {
            assertThat(state.isRemoved()).isFalse();
            return state.get();
        }
    }

    private Step call(SensorState prior, long batchTime, long watermark, boolean timedOut, long... readingTs) {
        return call(fn, prior, batchTime, watermark, timedOut, readingTs);
    }

    private Step call(SensorStateFunction f, SensorState prior, long batchTime, long watermark, boolean timedOut,
                      long... readingTs) {
        TestGroupState<SensorState> state = TestGroupState.create(
                prior == null ? Optional.empty() : Optional.of(prior), GroupStateTimeout.ProcessingTimeTimeout(),
                batchTime, Optional.of((Object) watermark), timedOut);
        List<ParsedRecord> rows = new ArrayList<>();
        for (long ts : readingTs) {
            rows.add(reading("s1", ts, ts % 1000 / 10.0));
        }
        Iterator<JobOutput> it = f.call("s1", new ReadingPacker(rows.iterator()), state);
        List<JobOutput> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return new Step(out, state);
    }

    private ParsedRecord reading(String sensor, long ts, double value) {
        return TestReadings.reading(sensor, "shardId-0", Long.toString(++seq), ts, value);
    }

    @Test
    void quietLiveSensorClosesItsLastWindowByProcessingTime() {
        long now = T0 + 8_000; // live: readings arrive as they are made
        Step s = call(null, now, T0 - DELAY, false, T0 + 1_000, T0 + 7_000);
        long timer = (Long) s.state().getTimeoutTimestampMs().get();
        // the window [T0, T0+10s) would close once event time passed its end + the watermark delay
        assertThat(timer).isEqualTo(T0 + W + DELAY + (now - (T0 + 7_000)));
        // no reading since: the timer fires; the watermark never moved (no other data), the clock did
        Step fired = call(s.next(), timer, T0 + 2_000, true);
        assertThat(fired.of(JobOutput.WINDOW)).singleElement().satisfies(w -> {
            assertThat(w.getWindowStart()).isEqualTo(T0);
            assertThat(w.getCount()).isEqualTo(2);
        });
    }

    /** A live sensor reporting every 20 s for 10 readings (each read 300 ms after it was made); returns its last step. */
    private Step liveEvery20s() {
        Step s = null;
        for (int i = 0; i < 10; i++) {
            long ts = T0 + i * 20_000L + 1_000;
            s = call(s == null ? null : s.next(), ts + 300, ts - DELAY, false, ts);
        }
        return s;
    }

    private static final long NEWEST = T0 + 9 * 20_000L + 1_000;

    @Test
    void theTimeTheJobWasDownIsNotQuietTimeSoTheBacklogOfALiveSensorIsNotLate() {
        Step beforeCrash = liveEvery20s();
        long restart = NEWEST + 5 * 60_000; // killed 2 s after the newest reading, back 5 minutes later
        SensorStateFunction restarted = new SensorStateFunction(Duration.ofMillis(W), Duration.ofMillis(DELAY), SCORER,
                Duration.ofSeconds(60), ModelStore.inline(),
                new RunStarts(new long[] {T0 - 3_600_000, restart}, new long[] {0, NEWEST - DELAY}));
        // the first batch reads other sensors' backlog; this one's timer has long expired; the watermark is the
        // checkpoint's
        Step first = call(restarted, beforeCrash.next(), restart + 200, NEWEST - DELAY, true);
        assertThat(first.of(JobOutput.WINDOW)).as("its window of the newest reading waits for the backlog").isEmpty();
        assertThat(first.state().isRemoved()).as("down longer than the idle timeout, yet not forgotten").isFalse();
        // then its own backlog, written while the job was down
        long[] backlog = {NEWEST + 20_000, NEWEST + 40_000, NEWEST + 60_000};
        Step caughtUp = call(restarted, first.next(), restart + 2_000, NEWEST - DELAY, false, backlog);
        assertThat(caughtUp.of(JobOutput.LATE)).isEmpty();
        assertThat(caughtUp.of(JobOutput.WINDOW)).extracting(JobOutput::getWindowStart)
                .as("closed by its own newer readings").contains(NEWEST / W * W);
    }

    @Test
    void aSensorNotReadSinceTheRestartWaitsForTheWatermarkWhileTheRunReadsABacklog() {
        long restart = NEWEST + 5 * 60_000;
        RunStarts starts = new RunStarts(new long[] {T0 - 3_600_000, restart}, new long[] {0, NEWEST - DELAY});
        SensorStateFunction restarted = new SensorStateFunction(Duration.ofMillis(W), Duration.ofMillis(DELAY), SCORER,
                Duration.ofSeconds(60), ModelStore.inline(), starts);
        long windowOfNewest = NEWEST / W * W;
        // minutes of catch-up: the watermark moved on (other sensors' backlog), not yet past this one's open window
        long watermark = windowOfNewest + W - 1_000;
        Step catchingUp = call(restarted, liveEvery20s().next(), restart + 5 * 60_000, watermark, true);
        assertThat(catchingUp.of(JobOutput.WINDOW)).as("not by the clock: its backlog may still be unread").isEmpty();
        Step backlog = call(restarted, catchingUp.next(), restart + 5 * 60_000 + 500, watermark, false,
                windowOfNewest + W - 500, NEWEST + 20_000);
        assertThat(backlog.of(JobOutput.LATE)).isEmpty();
        assertThat(backlog.of(JobOutput.WINDOW)).extracting(JobOutput::getWindowStart).contains(windowOfNewest);

        // every producer stopped before the restart: the watermark stays where the run started, the clock closes
        Step stopped = call(restarted, liveEvery20s().next(), restart + 60_000, NEWEST - DELAY, true);
        assertThat(stopped.of(JobOutput.WINDOW)).extracting(JobOutput::getWindowStart).containsExactly(windowOfNewest);
    }

    @Test
    void aBatchReRunAfterTheNextStartClosesByTheClockAsItsFirstAttemptDid() {
        // a quiet live sensor's batch, run first in the run started at T0 - 1 h, then re-run (kill -9 before its
        // commit) by a run started later: Spark keeps the batch's time, and the recorded starts give it its own run
        Step live = call(null, T0 + 8_000, T0 - DELAY, false, T0 + 1_000, T0 + 7_000);
        long timer = (Long) live.state().getTimeoutTimestampMs().get();
        long firstStart = T0 - 3_600_000;
        SensorStateFunction firstRun = new SensorStateFunction(Duration.ofMillis(W), Duration.ofMillis(DELAY), SCORER,
                Duration.ofSeconds(60), ModelStore.inline(), new RunStarts(new long[] {firstStart}, new long[] {0}));
        SensorStateFunction rerun = new SensorStateFunction(Duration.ofMillis(W), Duration.ofMillis(DELAY), SCORER,
                Duration.ofSeconds(60), ModelStore.inline(),
                new RunStarts(new long[] {firstStart, timer + 600_000}, new long[] {0, T0 + 2_000}));
        Step first = call(firstRun, live.next(), timer, T0 + 2_000, true);
        // the committed row of the batch before (a call changes the row it is given)
        Step committed = call(null, T0 + 8_000, T0 - DELAY, false, T0 + 1_000, T0 + 7_000);
        Step again = call(rerun, committed.next(), timer, T0 + 2_000, true);
        assertThat(first.of(JobOutput.WINDOW)).hasSize(1);
        assertThat(again.out()).extracting(JobOutput::getKind).isEqualTo(first.out().stream().map(JobOutput::getKind).toList());
        assertThat(again.of(JobOutput.WINDOW)).extracting(JobOutput::toWindowResult)
                .isEqualTo(first.of(JobOutput.WINDOW).stream().map(JobOutput::toWindowResult).toList());
        assertThat(again.state().getTimeoutTimestampMs()).isEqualTo(first.state().getTimeoutTimestampMs());
    }

    /** {@code windows} windows of a live sensor, {@code perWindow} readings each, one window per batch. */
    private Step liveSensor(int windows, int perWindow) {
        return liveSensor(fn, windows, perWindow);
    }

    private Step liveSensor(SensorStateFunction f, int windows, int perWindow) {
        Step s = null;
        long newest = T0 - DELAY;
        for (int w = 0; w < windows; w++) {
            long[] ts = new long[perWindow];
            for (int r = 0; r < perWindow; r++) {
                ts[r] = T0 + w * W + 500 + r * (W - 1_000) / perWindow + (w * 37 + r * 101) % 700;
            }
            long watermark = newest - DELAY; // the previous batch's
            newest = ts[perWindow - 1];
            s = call(f, s == null ? null : s.next(), newest + 200, watermark, false, ts);
        }
        return s;
    }

    private static List<JobOutput> silences(Step s) {
        return s.of(JobOutput.WINDOW).stream().filter(w -> w.getCount() == 0).toList();
    }

    @Test
    void aSensorThatUsuallyReportsEveryWindowIsFlaggedOnceWhileSilentAsEventTimeMovesOn() {
        Step s = liveSensor(120, 4);
        long lastWindow = T0 + 119 * W;
        long now = lastWindow + W;
        // other sensors move event time on; this one sends nothing
        Step oneEmptyWindow = call(s.next(), now + 5_000, lastWindow + 2 * W - 1, true);
        assertThat(silences(oneEmptyWindow)).as("one empty window can be a clock's jitter").isEmpty();
        Step twoEmptyWindows = call(oneEmptyWindow.next(), now + 15_000, lastWindow + 3 * W, true);
        assertThat(silences(twoEmptyWindows)).singleElement().satisfies(w -> {
            assertThat(w.getWindowStart()).isEqualTo(lastWindow + 2 * W);
            assertThat(w.getWindowEnd()).isEqualTo(lastWindow + 3 * W);
            assertThat(w.isAnomaly()).isTrue();
            assertThat(w.getDetector()).isEqualTo("SENSOR_FAULT");
            assertThat(w.getFault()).isEqualTo("SILENT");
            assertThat(w.getType()).isEqualTo("temperature");
        });
        Step stillSilent = call(twoEmptyWindows.next(), now + 30_000, lastWindow + 5 * W, true);
        assertThat(silences(stillSilent)).as("one flag per silence").isEmpty();
        // it comes back, then goes silent again: a new silence, a new flag
        long back = lastWindow + 6 * W + 1_000;
        Step returned = call(stillSilent.next(), back + 200, lastWindow + 5 * W, false, back, back + 3_000,
                back + 6_000, back + 8_500);
        Step again = call(returned.next(), back + 40_000, back + 4 * W, true);
        assertThat(silences(again)).singleElement()
                .satisfies(w -> assertThat(w.getWindowStart()).isEqualTo(lastWindow + 8 * W));
    }

    /** The result of the window the sensor sends in after coming back at {@code back}, once it closes. */
    private JobOutput windowAfterComingBack(Step prior, long back, long watermarkBefore) {
        Step returned = call(prior.next(), back + 200, watermarkBefore, false, back, back + 3_000, back + 6_000,
                back + 8_500);
        long backWindow = back - back % W;
        Step closed = call(returned.next(), back + W + DELAY, backWindow + W, true);
        return closed.of(JobOutput.WINDOW).stream().filter(w -> w.getWindowStart() == backWindow).findFirst()
                .orElseThrow();
    }

    /** The last window of {@link #liveSensor}(120, 4). */
    private static final long LAST_WINDOW = T0 + 119 * W;

    /** A live sensor that went silent and was flagged for it (three windows after its last window). */
    private Step flaggedSilent() {
        Step flagged = call(liveSensor(120, 4).next(), LAST_WINDOW + 4 * W, LAST_WINDOW + 3 * W, true);
        assertThat(silences(flagged)).singleElement().satisfies(w -> assertThat(w.isAnomaly()).isTrue());
        return flagged;
    }

    @Test
    void aSensorBackFromAFlaggedSilenceIsOneIncidentNotTwo() {
        long lastWindow = LAST_WINDOW;
        Step flagged = flaggedSilent();

        JobOutput back = windowAfterComingBack(flagged, lastWindow + 6 * W + 1_000, lastWindow + 5 * W);

        assertThat(back.getCount()).isEqualTo(4);
        assertThat(back.isAnomaly()).as("the dropout was flagged while it lasted").isFalse();
        assertThat(back.getDetector()).isEqualTo("NONE");
        assertThat(back.getFault()).isNull();
        assertThat(back.getAnomalyScore()).as("the gap rule's score, damped").isEqualTo(0.2);
    }

    @Test
    void aSensorBackFromAFlaggedSilenceOnAnotherExecutorIsJudgedTheSame() {
        long lastWindow = LAST_WINDOW;
        Step flagged = flaggedSilent();
        // no executor holds the live model any more: it is restored from the row (snapshot + windows since)
        flagged.next().setScorerToken(flagged.next().getScorerToken() + 1);

        JobOutput back = windowAfterComingBack(flagged, lastWindow + 6 * W + 1_000, lastWindow + 5 * W);

        assertThat(back.isAnomaly()).isFalse();
        assertThat(back.getAnomalyScore()).isEqualTo(0.2);
    }

    @Test
    void aSensorBackFromAFlaggedSilenceAfterLateReadingsIsStillOneIncident() {
        long lastWindow = LAST_WINDOW;
        Step flagged = flaggedSilent();
        Step late = call(flagged.next(), lastWindow + 5 * W, lastWindow + 4 * W, false, lastWindow + 2 * W + 1_000);
        assertThat(late.of(JobOutput.LATE)).hasSize(1);

        JobOutput back = windowAfterComingBack(late, lastWindow + 6 * W + 1_000, lastWindow + 5 * W);

        assertThat(back.isAnomaly()).isFalse();
        assertThat(back.getAnomalyScore()).isEqualTo(0.2);
    }

    @Test
    void aSensorBackFromADropoutNobodyFlaggedIsFlaggedWhenItReturns() {
        Step s = liveSensor(120, 4);
        long lastWindow = T0 + 119 * W;
        // it comes back before event time passed two empty windows: its silence was never judged
        JobOutput back = windowAfterComingBack(s, lastWindow + 3 * W + 1_000, lastWindow + W);

        assertThat(back.isAnomaly()).isTrue();
        assertThat(back.getDetector()).isEqualTo("SENSOR_FAULT");
        assertThat(back.getFault()).isEqualTo("GAP");
    }

    @Test
    void lateReadingsAfterASilenceFlagDoNotFlagItAgain() {
        long lastWindow = LAST_WINDOW;
        Step flagged = flaggedSilent();
        // a buffered reading of the flagged (closed) window arrives: LATE, newer than the last accepted one
        Step late = call(flagged.next(), lastWindow + 5 * W, lastWindow + 4 * W, false, lastWindow + 2 * W + 1_000);
        assertThat(late.of(JobOutput.LATE)).hasSize(1);
        Step after = call(late.next(), lastWindow + 6 * W, lastWindow + 5 * W, true);
        assertThat(silences(after)).as("still the same silence").isEmpty();
    }

    @Test
    void aRowOfThePreviousReleaseAsksTheModelWhetherSilenceIsAFault() {
        Step s = liveSensor(120, 4);
        long lastWindow = T0 + 119 * W;
        Step closed = call(s.next(), lastWindow + W + DELAY, lastWindow + W, true); // its last window closes
        assertThat(silences(closed)).isEmpty();
        SensorState prior = closed.next();
        OpenWindowsCodec.OpenWindows row = OpenWindowsCodec.decode(prior.getWindows(), "s1",
                new io.sensorpipe.window.TumblingWindows(Duration.ofMillis(W)));
        // an 'OW' v2 row kept no answer (NONE), and no executor holds the model: it is restored and asked
        prior.setWindows(OpenWindowsCodec.encode(row.state(), row.lastArrivalMs(), row.sinceSnapshot(),
                OpenWindowsCodec.NONE));
        prior.setScorerToken(prior.getScorerToken() + 1);
        Step flagged = call(prior, lastWindow + 4 * W, lastWindow + 3 * W, true);
        assertThat(silences(flagged)).hasSize(1);
    }

    @Test
    void noSensorIsCalledSilentWhenEventTimeStopsForAllOfThem() {
        Step s = liveSensor(120, 4);
        long lastWindow = T0 + 119 * W;
        long watermark = lastWindow + 9_000 - DELAY; // every producer stopped: the watermark stays
        Step later = s;
        for (int i = 1; i <= 6; i++) { // the clock goes on, its last window closes by processing time
            later = call(later.next(), lastWindow + W + i * W, watermark, true);
            assertThat(silences(later)).isEmpty();
        }
        assertThat(((Long) later.state().getTimeoutTimestampMs().get()) - (lastWindow + 7 * W))
                .as("silence still undecided: looked at once a window, not every trigger").isEqualTo(W);
    }

    @Test
    void aSensorWithOneReadingPerWindowIsNotCalledSilent() {
        Step s = liveSensor(120, 1);
        long lastWindow = T0 + 119 * W;
        Step silent = call(s.next(), lastWindow + 20 * W, lastWindow + 10 * W, true);
        assertThat(silences(silent)).isEmpty();
        assertThat(silent.of(JobOutput.WINDOW)).as("its last windows close as before").isNotEmpty()
                .allSatisfy(w -> assertThat(w.getCount()).isEqualTo(1));
    }

    @Test
    void replayedOldDataIsClosedByTheWatermarkNotByTheClock() {
        long now = T0 + 3_600_000; // an hour behind: a replay
        Step s = call(null, now, T0 - DELAY, false, T0 + 1_000);
        assertThat((Long) s.state().getTimeoutTimestampMs().get()).isEqualTo(now + W); // looks again after a window
        Step fired = call(s.next(), now + W, T0 + 2_000, true);
        assertThat(fired.of(JobOutput.WINDOW)).as("watermark still before the window end").isEmpty();
        Step later = call(fired.next(), now + 2 * W, T0 + W, true);
        assertThat(later.of(JobOutput.WINDOW)).hasSize(1);
    }

    @Test
    void modelThatCannotBeRestoredIsReplacedCountedAndWindowsKeepFlowing() {
        SensorState prior = new SensorState();
        // settings changed since the snapshot (a release with another detector; a warm-up change keeps models)
        ScorerConfig before = SCORER.toBuilder().numberOfTrees(SCORER.numberOfTrees() + 2).build();
        prior.setScorer(Scorers.create(before, "s1").snapshot());
        prior.setScorerToken(42);
        Step first = call(prior, T0 + 30_000, T0, false, T0 + 1_000);
        assertThat(first.out()).as("nothing closed yet, so the model is not needed yet").isEmpty();
        Step s = call(first.next(), T0 + 31_000, T0, false, T0 + 21_000);
        assertThat(s.of(JobOutput.MODEL_RESET)).singleElement()
                .satisfies(r -> assertThat(r.getMessage()).contains(SCORER.modelVersion()));
        assertThat(s.of(JobOutput.WINDOW)).hasSize(1);
        // the new snapshot belongs to the current settings: the next close restores it without a reset
        s.next().setScorerToken(s.next().getScorerToken() + 1); // not the cached model: restore from the row
        Step next = call(s.next(), T0 + 40_000, T0 + 40_000, false, T0 + 35_000);
        assertThat(next.of(JobOutput.MODEL_RESET)).isEmpty();
        assertThat(next.of(JobOutput.WINDOW)).hasSize(1);
        assertThat(Scorers.restore(SCORER, next.next().getScorer()).windowsSeen()).as("snapshot at the reset")
                .isEqualTo(1);
    }

    @Test
    void aChangedWindowSizeKeepsTheOpenWindowsAsTheyBeganLosesNoReadingAndResetsTheModel() {
        // 30 windows of 10 s scored: a live model with a snapshot in the row; windows 29 and 30 still open
        SensorState state = null;
        for (int i = 1; i <= 30; i++) {
            state = call(state, T0 + i * W + 1, T0 + (i - 1) * W, false, T0 + i * W - W / 2, T0 + i * W + 1).next();
        }
        assertThat(state.getScorer()).isNotNull();
        SensorStateFunction wider = new SensorStateFunction(Duration.ofMillis(2 * W), Duration.ofMillis(DELAY), SCORER,
                Duration.ofSeconds(60));
        long watermark = T0 + 30 * W + 1 - DELAY;
        // restarted with 20 s windows: a reading for the open window 30, one after it, one in the first 20 s window
        Step s = call(wider, state, T0 + 32 * W + 2, watermark, false, T0 + 30 * W + 3, T0 + 31 * W + 2,
                T0 + 32 * W + 1);
        assertThat(s.of(JobOutput.STATE_RESET)).as("no window lost").isEmpty();
        assertThat(s.of(JobOutput.LATE)).isEmpty();
        assertThat(s.of(JobOutput.MODEL_RESET)).singleElement()
                .satisfies(r -> assertThat(r.getMessage()).contains("window size changed").contains("20000 ms"));
        List<WindowResult> written = s.of(JobOutput.WINDOW).stream().map(JobOutput::toWindowResult).toList();
        assertThat(written).as("the open 10 s windows, closed as they began, with the reading that came for one")
                .extracting(WindowResult::windowStart, WindowResult::windowEnd, WindowResult::count)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(T0 + 29 * W, T0 + 30 * W, 2L),
                        org.assertj.core.groups.Tuple.tuple(T0 + 30 * W, T0 + 31 * W, 2L));
        assertThat(written).allSatisfy(w -> {
            assertThat(w.unscoredReason()).contains("window size changed").contains(JobOptions.WINDOW);
            assertThat(w.anomaly()).isFalse();
        });
        // the next batch closes the window from the change to the first 20 s boundary (10 s here), also unscored
        Step bridge = call(wider, s.next(), T0 + 33 * W, T0 + 32 * W + 1 - DELAY, false, T0 + 33 * W + DELAY);
        assertThat(bridge.of(JobOutput.WINDOW)).singleElement().extracting(JobOutput::toWindowResult)
                .satisfies(w -> {
                    assertThat(w.windowStart()).isEqualTo(T0 + 31 * W);
                    assertThat(w.windowEnd()).isEqualTo(T0 + 32 * W);
                    assertThat(w.count()).isEqualTo(1);
                    assertThat(w.unscoredReason()).contains("window size changed");
                });
        assertThat(OpenWindowsCodec.decode(bridge.next().getWindows(), "s1", new io.sensorpipe.window.TumblingWindows(
                Duration.ofMillis(2 * W))).state().windows().hasSizeChange()).as("the change is behind it").isFalse();
        // then windows of the new size, scored by a fresh model in its warm-up
        Step next = call(wider, bridge.next(), T0 + 35 * W, T0 + 33 * W, false, T0 + 34 * W + DELAY + 1);
        assertThat(next.of(JobOutput.MODEL_RESET)).isEmpty();
        assertThat(next.of(JobOutput.STATE_RESET)).isEmpty();
        assertThat(next.of(JobOutput.WINDOW)).singleElement().extracting(JobOutput::toWindowResult).satisfies(w -> {
            assertThat(w.windowStart()).isEqualTo(T0 + 32 * W);
            assertThat(w.windowEnd() - w.windowStart()).isEqualTo(2 * W);
            assertThat(w.count()).isEqualTo(2);
            assertThat(w.anomaly()).isFalse();
            assertThat(w.unscoredReason()).satisfiesAnyOf(r -> assertThat(r).isNull(),
                    r -> assertThat(r).doesNotContain("window size changed"));
        });
        assertThat(Scorers.restore(SCORER, next.next().getScorer()).windowsSeen()).as("the fresh model's snapshot")
                .isEqualTo(1);
        // a reading for a window closed before the change is late as ever
        Step late = call(wider, next.next(), T0 + 36 * W, T0 + 34 * W, false, T0 + 29 * W + 7);
        assertThat(late.of(JobOutput.LATE)).hasSize(1);
    }

    @Test
    void aWindowSizeChangeKeepsClosedWhatTheOldStateHadClosedAheadOfTheWatermark() {
        // a quiet sensor: its windows were closed by processing time, ahead of Spark's watermark; none is open
        io.sensorpipe.window.SensorWindowState quiet = new io.sensorpipe.window.SensorWindowState("s1",
                new io.sensorpipe.window.TumblingWindows(Duration.ofMillis(W)));
        quiet.closeUpTo(T0 + 50 * W);
        SensorState prior = new SensorState();
        prior.setWindows(OpenWindowsCodec.encode(quiet, T0 + 50 * W, List.of(), OpenWindowsCodec.NONE));
        SensorStateFunction wider = new SensorStateFunction(Duration.ofMillis(2 * W), Duration.ofMillis(DELAY), SCORER,
                Duration.ofSeconds(60));
        // above Spark's watermark, but in a span whose windows were written: never into a window of the new size
        Step s = call(wider, prior, T0 + 51 * W, T0 + 40 * W, false, T0 + 49 * W + 1);
        assertThat(s.of(JobOutput.LATE)).singleElement().satisfies(l -> assertThat(l.getMessage())
                .contains("closed at " + (T0 + 50 * W) + ", ahead of the watermark " + (T0 + 40 * W))
                .contains(JobOptions.WATERMARK));
        assertThat(s.of(JobOutput.WINDOW)).isEmpty();
    }

    @Test
    void aRowOfAnotherWindowSizeThatIsAlsoUnreadableInItsOwnSizeResetsWithBothReasons() {
        io.sensorpipe.window.SensorWindowState old = new io.sensorpipe.window.SensorWindowState("s1",
                new io.sensorpipe.window.TumblingWindows(Duration.ofMillis(W)));
        old.offer(T0 + 1_000, 1.0, Long.MIN_VALUE);
        byte[] row = OpenWindowsCodec.encode(old, T0, List.of(), OpenWindowsCodec.NONE);
        row[23 + 35] = 0x7F; // the window count inside the 'WS' bytes ('OW' header 11 + silence 8 + length 4)
        SensorState prior = new SensorState();
        prior.setWindows(row);
        SensorStateFunction wider = new SensorStateFunction(Duration.ofMillis(2 * W), Duration.ofMillis(DELAY), SCORER,
                Duration.ofSeconds(60));
        Step s = call(wider, prior, T0 + 30_000, T0 + 20_000, false, T0 + 21_000);
        assertThat(s.of(JobOutput.STATE_RESET)).singleElement().satisfies(r -> assertThat(r.getMessage())
                .contains("10000 ms windows").contains("unreadable in its own size too").contains("count"));
    }

    @Test
    void corruptOrLegacyOpenWindowsRowResetsThatSensorOnly() {
        for (byte[] bad : List.of(new byte[] {1, 2, 3}, new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5, 0x73},
                new byte[] {'O', 'W', 1, 0, 0, 0, 0, 0, 0, 0, 0, 'W', 'S', 1, 9})) {
            SensorState prior = new SensorState();
            prior.setWindows(bad);
            prior.setScorerToken(42);
            Step s = call(prior, T0 + 30_000, T0 + 20_000, false, T0 + 1_000, T0 + 21_000);
            assertThat(s.of(JobOutput.STATE_RESET)).hasSize(1);
            assertThat(s.next().getScorerToken()).as("a cached model still holds the windows the row lost")
                    .isNotEqualTo(42);
            assertThat(s.of(JobOutput.LATE)).as("window of T0+1s already closed by the watermark").singleElement()
                    .satisfies(l -> assertThat(l.getMessage()).contains("the window of ts " + (T0 + 1_000))
                            .contains("closed (watermark " + (T0 + 20_000) + ")"));
            assertThat(s.next().getWindows()).isNotEqualTo(bad);
            Step next = call(s.next(), T0 + 40_000, T0 + 40_000, false);
            assertThat(next.of(JobOutput.STATE_RESET)).isEmpty();
            assertThat(next.of(JobOutput.WINDOW)).singleElement()
                    .satisfies(w -> assertThat(w.getWindowStart()).isEqualTo(T0 + 20_000));
        }
    }

    /**
     * 90 windows (3 readings each, a spike in window 61), 1–3 windows closing per batch; {@code restoreEachBatch}:
     * every batch restores the model from the state row (another executor, a restarted job) instead of this JVM's
     * cache. Returns the window results in order and how many times the snapshot was rewritten.
     */
    private Map.Entry<List<WindowResult>, Integer> scoreWindows(boolean restoreEachBatch) {
        return scoreWindows(fn, restoreEachBatch, s -> { });
    }

    /** As above, with {@code f}; {@code eachRow} sees the state row after every batch. */
    private Map.Entry<List<WindowResult>, Integer> scoreWindows(SensorStateFunction f, boolean restoreEachBatch,
                                                                 java.util.function.Consumer<SensorState> eachRow) {
        List<WindowResult> results = new ArrayList<>();
        int snapshots = 0;
        SensorState state = null;
        int w = 0;
        long newest = T0;
        for (int batch = 0; w < 90; batch++) {
            int n = 1 + batch % 3;
            List<ParsedRecord> rows = new ArrayList<>();
            for (int i = 0; i < n && w < 90; i++, w++) {
                for (int r = 0; r < 3; r++) {
                    long ts = T0 + w * W + r * 3_000;
                    rows.add(reading("s1", ts, (w == 61 ? 60 : 20) + 3 * Math.sin(w / 5.0) + 0.1 * r));
                }
            }
            long watermark = newest - DELAY; // the previous batch's
            newest = rows.get(rows.size() - 1).getTs();
            if (state != null && restoreEachBatch) {
                state.setScorerToken(state.getScorerToken() + 1); // no executor holds this model
            }
            byte[] before = state == null ? null : state.getScorer();
            TestGroupState<SensorState> gs = TestGroupState.create(state == null ? Optional.empty()
                    : Optional.of(state), GroupStateTimeout.ProcessingTimeTimeout(), newest + DELAY,
                    Optional.of((Object) watermark), false);
            f.call("s1", new ReadingPacker(rows.iterator()), gs).forEachRemaining(o -> {
                assertThat(o.getKind()).isEqualTo(JobOutput.WINDOW);
                results.add(o.toWindowResult());
            });
            state = gs.get();
            eachRow.accept(state);
            snapshots += state.getScorer() != before ? 1 : 0;
        }
        return Map.entry(results, snapshots);
    }

    @Test
    void modelRestoredFromItsSnapshotReplaysTheWindowsSinceAndScoresExactlyAsTheLiveModel() {
        Map.Entry<List<WindowResult>, Integer> live = scoreWindows(false);
        Map.Entry<List<WindowResult>, Integer> restored = scoreWindows(true);
        assertThat(live.getKey()).hasSizeGreaterThan(80);
        assertThat(live.getKey().stream().filter(WindowResult::anomaly)).as("the spike is flagged").isNotEmpty();
        assertThat(restored.getKey()).isEqualTo(live.getKey());
    }

    @Test
    void withModelFilesTheRowKeepsAReferenceAndAModelRestoredFromItsFileScoresExactlyAsTheLiveModel(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        SensorStateFunction withFiles = new SensorStateFunction(Duration.ofMillis(W), Duration.ofMillis(DELAY), SCORER,
                Duration.ofSeconds(60), ModelStore.files(dir.toString(), org.apache.hadoop.conf.Configuration::new));
        java.util.Set<Integer> rowSizes = new java.util.TreeSet<>();
        Map.Entry<List<WindowResult>, Integer> live = scoreWindows(false);

        Map.Entry<List<WindowResult>, Integer> restored = scoreWindows(withFiles, true,
                row -> { if (row.getScorer() != null) { rowSizes.add(row.getScorer().length); } });

        assertThat(restored.getKey()).isEqualTo(live.getKey());
        assertThat(rowSizes).as("only a reference in the row").containsExactly(35);
        try (var files = java.nio.file.Files.walk(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".model")).count())
                    .as("the current and the previous snapshot").isEqualTo(2);
        }
    }

    @Test
    void sensorsSnapshotAfterDifferentCountsSoTheyDoNotAllSnapshotInOneBatch() {
        java.util.Set<Integer> counts = new java.util.TreeSet<>();
        for (int i = 0; i < 200; i++) {
            counts.add(SensorStateFunction.snapshotAfter("site-" + i + "/sensor"));
        }
        assertThat(counts).hasSizeGreaterThan(12).allSatisfy(n -> assertThat(n)
                .isBetween(SensorStateFunction.SNAPSHOT_EVERY / 2, SensorStateFunction.SNAPSHOT_EVERY));
    }

    @Test
    void snapshotIsRewrittenEverySixteenToThirtyTwoWindowsNotAtEveryClose() {
        int between = SensorStateFunction.snapshotAfter("s1");
        assertThat(between).isBetween(SensorStateFunction.SNAPSHOT_EVERY / 2, SensorStateFunction.SNAPSHOT_EVERY);
        Map.Entry<List<WindowResult>, Integer> live = scoreWindows(false);
        int windows = live.getKey().size();
        // one at the first close, then one after between..between+2 windows (batches close up to 3 windows)
        assertThat(live.getValue()).isBetween(1 + (windows - 3) / (between + 2), 1 + windows / between);
    }

    @Test
    void sensorWithoutOpenWindowsIsKeptUntilItsIdleTimeout() {
        long now = T0 + 3_600_000;
        Step s = call(null, now, T0 - DELAY, false, T0 + 1_000);
        Step closed = call(s.next(), now + W, T0 + W, true);
        assertThat(closed.of(JobOutput.WINDOW)).hasSize(1);
        assertThat(closed.state().isRemoved()).isFalse();
        assertThat((Long) closed.state().getTimeoutTimestampMs().get()).isEqualTo(now + 2 * W);
        Step stillThere = call(closed.next(), now + 2 * W, T0 + 60_000, true);
        assertThat(stillThere.state().isRemoved()).as("newest reading 59 s behind the watermark").isFalse();
        Step idle = call(stillThere.next(), now + 3 * W, T0 + 61_000, true);
        assertThat(idle.state().isRemoved()).isTrue();
    }

    /** The row as committed: a copy the next call cannot change. */
    private static SensorState copy(SensorState s) {
        SensorState c = new SensorState();
        c.setWindows(s.getWindows() == null ? null : s.getWindows().clone());
        c.setScorer(s.getScorer() == null ? null : s.getScorer().clone());
        c.setType(s.getType());
        c.setSite(s.getSite());
        c.setUnit(s.getUnit());
        c.setLastEventTs(s.getLastEventTs());
        c.setScorerToken(s.getScorerToken());
        return c;
    }

    @Test
    void aSensorThatClosesItsLastWindowAndGoesIdleInOneBatchIsForgottenInTheNextSoAReRunStillFindsItsModel(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        SensorStateFunction withFiles = new SensorStateFunction(Duration.ofMillis(W), Duration.ofMillis(DELAY), SCORER,
                Duration.ofSeconds(60), ModelStore.files(dir.toString(), org.apache.hadoop.conf.Configuration::new));
        Step live = liveSensor(withFiles, 40, 4);
        SensorState committed = copy(live.next());
        long lastWindow = T0 + 39 * W;
        // event time jumps past its idle timeout (a catch-up batch): its last window closes, then it is idle
        long watermark = lastWindow + W + 61_000;

        Step closing = call(withFiles, live.next(), lastWindow + 2 * W, watermark, true);

        assertThat(closing.of(JobOutput.WINDOW)).hasSize(1);
        assertThat(closing.state().isRemoved()).as("its model was needed in this batch").isFalse();
        assertThat(closing.state().getTimeoutTimestampMs().get()).isEqualTo(lastWindow + 2 * W + 100);
        // the batch is re-run from the committed row on another executor: its model files are still there
        committed.setScorerToken(committed.getScorerToken() + 1);
        Step rerun = call(withFiles, committed, lastWindow + 2 * W, watermark, true);
        assertThat(rerun.of(JobOutput.MODEL_RESET)).isEmpty();
        assertThat(rerun.of(JobOutput.WINDOW)).singleElement().satisfies(w -> assertThat(w.toWindowResult())
                .isEqualTo(closing.of(JobOutput.WINDOW).get(0).toWindowResult()));
        // the next batch needs no model: the sensor is forgotten and its files go
        Step forgotten = call(withFiles, rerun.next(), lastWindow + 2 * W + 100, watermark, true);
        assertThat(forgotten.state().isRemoved()).isTrue();
        try (var files = java.nio.file.Files.walk(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".model"))).isEmpty();
        }
    }

    @Test
    void quietLiveSensorIsForgottenAfterItsIdleTimeoutByTheClock() {
        long now = T0 + 2_000;
        Step s = call(null, now, T0 - DELAY, false, T0 + 1_000);
        Step closed = s;
        for (int i = 0; i < 3 && closed.of(JobOutput.WINDOW).isEmpty(); i++) { // timers re-check after a window
            closed = call(closed.next(), (Long) closed.state().getTimeoutTimestampMs().get(), T0 - DELAY, true);
        }
        assertThat(closed.of(JobOutput.WINDOW)).hasSize(1);
        assertThat(closed.state().getCurrentProcessingTimeMs()).isEqualTo(T0 + W + DELAY + 1_000);
        long idleAt = (Long) closed.state().getTimeoutTimestampMs().get();
        assertThat(idleAt).as("newest reading + idle timeout + delay, at the clock's pace").isEqualTo(T0 + 1_000 + 60_000 + DELAY + (now - (T0 + 1_000)));
        assertThat(call(closed.next(), idleAt, T0 - DELAY, true).state().isRemoved()).isTrue();
    }

    @Test
    void windowsTheSensorsOwnNewestReadingPassesCloseInTheSameBatchWithTheSameReadings() {
        // newest T0+21s: the watermark after this batch is at least T0+16s, so [T0, T0+10s) closes now, holding
        // the readings it would hold one batch later (a later reading for it is LATE either way)
        Step s = call(null, T0 + 30_000, T0 - DELAY, false, T0 + 1_000, T0 + 21_000, T0 + 2_000);
        assertThat(s.of(JobOutput.WINDOW)).singleElement().satisfies(w -> {
            assertThat(w.getWindowStart()).isEqualTo(T0);
            assertThat(w.getCount()).as("the out-of-order T0+2s of the same batch is in it").isEqualTo(2);
        });
        Step next = call(s.next(), T0 + 31_000, T0 + 16_000, false, T0 + 9_000, T0 + 17_000);
        assertThat(next.of(JobOutput.LATE)).singleElement()
                .satisfies(l -> assertThat(l.getEventTs()).isEqualTo(T0 + 9_000));
        assertThat(next.of(JobOutput.WINDOW)).as("[T0+10s, T0+20s) waits for newest - delay to pass it").isEmpty();
    }
}
