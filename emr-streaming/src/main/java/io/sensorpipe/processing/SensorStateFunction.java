package io.sensorpipe.processing;

import io.sensorpipe.schema.WindowResult;
import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.score.Scorers;
import io.sensorpipe.score.SensorScorer;
import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.SensorWindowState;
import io.sensorpipe.window.TumblingWindows;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.sql.streaming.GroupState;

/**
 * The per-sensor step of {@code flatMapGroupsWithState} (event-time timeouts): adds readings to their windows,
 * emits a {@link JobOutput#LATE} row for each reading whose window already closed, a {@link JobOutput#DUPLICATE}
 * row for a repeat of a reading already in its window, closes the windows the
 * watermark passed, scores them in window order and emits {@link JobOutput#WINDOW} rows. Rejects (the
 * {@link ParsedRecord#DEAD_LETTER_KEY} group) pass through as {@link JobOutput#DEAD} rows without state.
 *
 * <p>The event-time timer is set to the earliest open window's end, so a sensor that goes quiet still has its
 * windows closed; a sensor silent for {@code idleTimeout} (no open window) has its state removed, which bounds the
 * state to active sensors. {@code processedAt} is Spark's batch time, which a re-run batch keeps, so replayed
 * results are identical.
 */
public final class SensorStateFunction
        implements FlatMapGroupsWithStateFunction<String, ParsedRecord, SensorState, JobOutput> {
    private final TumblingWindows windows;
    private final ScorerConfig scorerConfig;
    private final long idleTimeoutMillis;

    public SensorStateFunction(Duration windowSize, ScorerConfig scorerConfig, Duration idleTimeout) {
        this.windows = new TumblingWindows(windowSize);
        this.scorerConfig = scorerConfig;
        this.idleTimeoutMillis = idleTimeout.toMillis();
    }

    @Override
    public Iterator<JobOutput> call(String key, Iterator<ParsedRecord> rows, GroupState<SensorState> state) {
        long batchTime = state.getCurrentProcessingTimeMs();
        List<JobOutput> out = new ArrayList<>();
        if (ParsedRecord.DEAD_LETTER_KEY.equals(key)) {
            rows.forEachRemaining(r -> out.add(JobOutput.deadLetter(JobOutput.DEAD, r, r.getReason(), r.getMessage(),
                    batchTime)));
            return out.iterator();
        }
        long watermark = state.getCurrentWatermarkMs();
        SensorState s = state.exists() ? state.get() : new SensorState();
        SensorWindowState open = s.getWindows() == null ? new SensorWindowState(key, windows)
                : deserialize(s.getWindows());
        while (rows.hasNext()) {
            ParsedRecord r = rows.next();
            s.setType(r.getType());
            s.setSite(r.getSite());
            s.setUnit(r.getUnit());
            s.setLastEventTs(Math.max(s.getLastEventTs(), r.getTs()));
            SensorWindowState.Acceptance accepted = open.offer(r.getTs(), r.getValue(), watermark);
            if (accepted == SensorWindowState.Acceptance.LATE) {
                out.add(JobOutput.deadLetter(JobOutput.LATE, r, JobOutput.LATE,
                        "window of ts " + r.getTs() + " closed (watermark " + watermark + ")", batchTime));
            } else if (accepted == SensorWindowState.Acceptance.DUPLICATE) {
                // at-least-once delivery (a producer retry of a stored record): counted once, the copy reported
                out.add(JobOutput.deadLetter(JobOutput.DUPLICATE, r, JobOutput.DUPLICATE,
                        "reading (" + key + ", " + r.getTs() + ") is already in its window", batchTime));
            }
        }
        List<ClosedWindow> closed = open.closeUpTo(watermark);
        if (!closed.isEmpty()) {
            SensorScorer scorer = s.getScorer() == null ? null : ScorerCache.take(key, s.getScorerToken());
            if (scorer == null) {
                scorer = s.getScorer() == null ? Scorers.create(scorerConfig, key)
                        : Scorers.restore(scorerConfig, s.getScorer());
            }
            for (ClosedWindow w : closed) {
                WindowResult result = WindowScoring.scoreOrUnscored(scorer, w, scorerConfig.modelVersion(), batchTime,
                        s.getType(), s.getSite(), s.getUnit());
                out.add(JobOutput.window(result));
            }
            s.setScorer(scorer.snapshot());
            long token = java.util.concurrent.ThreadLocalRandom.current().nextLong();
            s.setScorerToken(token);
            ScorerCache.put(key, token, scorer);
        }
        if (open.hasOpenWindows()) {
            s.setWindows(serialize(open));
            state.update(s);
            // Fires once the watermark passes the earliest open window's end (Spark fires when watermark > timestamp).
            state.setTimeoutTimestamp(Math.max(watermark, open.earliestOpenWindowEnd() - 1));
        } else if (s.getLastEventTs() + idleTimeoutMillis <= watermark) {
            state.remove(); // silent sensor: forget it (its model restarts with warm-up if it comes back)
        } else {
            s.setWindows(serialize(open));
            state.update(s);
            state.setTimeoutTimestamp(Math.max(watermark, s.getLastEventTs() + idleTimeoutMillis));
        }
        return out.iterator();
    }

    static byte[] serialize(SensorWindowState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static SensorWindowState deserialize(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (SensorWindowState) in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("state of an incompatible version", e);
        }
    }
}
