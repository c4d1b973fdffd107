package io.sensorpipe.processing;

import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.score.Scorers;
import io.sensorpipe.score.SensorScorer;
import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.SensorWindowState;
import io.sensorpipe.window.TumblingWindows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Batch twin of {@link WindowingPipeline} for archived raw data: same parser, same windows, same scorer, scored in
 * window order per sensor. With the whole archive at hand nothing is late: each sensor's windows are closed in
 * event-time order as they complete.
 */
public final class ArchiveWindowing {
    private ArchiveWindowing() {
    }

    public static Dataset<JobOutput> build(Dataset<Row> raw, Duration windowSize, ScorerConfig scorerConfig,
                                           long processedAt) {
        RecordParsing parsing = new RecordParsing(Duration.ofDays(100_000).toMillis(), Duration.ofHours(1).toMillis());
        // packed per sensor before the shuffle, as in the stream (an archive holds days of every sensor)
        Dataset<ReadingPack> parsed = raw.mapPartitions(
                (MapPartitionsFunction<Row, ReadingPack>) rows -> new ReadingPacker(parsing.call(rows)),
                Encoders.bean(ReadingPack.class));
        TumblingWindows windows = new TumblingWindows(windowSize);
        return parsed.groupByKey((MapFunction<ReadingPack, String>) ReadingPack::getRouteKey, Encoders.STRING())
                .flatMapGroups((FlatMapGroupsFunction<String, ReadingPack, JobOutput>) (key, rows) ->
                        windowsOf(key, rows, windows, scorerConfig, processedAt), Encoders.bean(JobOutput.class));
    }

    /**
     * One sensor's windows. Its readings are put in event-time order first (the archive holds them in arrival order),
     * then each window is closed and scored as soon as a reading past it comes: what is held is the readings, not
     * every window at once (a window's per-millisecond duplicate bitmap alone is ~7.5 KB at 60 s, so a month of one
     * sensor's windows held open together took ~320 MB and a task of a few sensors ran out of memory). The output is
     * the same as closing them all at the end: equal event times keep the order the task received them in (the first
     * is windowed, the others are duplicates; across input files that order is Spark's shuffle's, as before), and the
     * descriptive fields are the newest reading's, as before.
     */
    static Iterator<JobOutput> windowsOf(String key, Iterator<ReadingPack> rows, TumblingWindows windows,
                                         ScorerConfig scorerConfig, long processedAt) {
        List<JobOutput> out = new ArrayList<>();
        if (ParsedRecord.isDeadLetterKey(key)) {
            rows.forEachRemaining(r -> out.add(JobOutput.rejected(r, processedAt)));
            return out.iterator();
        }
        List<ReadingPack> packs = new ArrayList<>();
        int count = 0;
        ReadingPack newestPack = null;
        long newest = Long.MIN_VALUE;
        while (rows.hasNext()) {
            ReadingPack p = rows.next();
            packs.add(p);
            for (long t : p.getTs()) {
                if (t >= newest) { // descriptive fields from the newest reading, as the stream keeps the last
                    newest = t;
                    newestPack = p;
                }
            }
            count += p.getTs().length;
        }
        // reading k: pack packOf[k], position inPack[k]; sorted by (event time, archive order)
        long[] ts = new long[count];
        int[] packOf = new int[count];
        int[] inPack = new int[count];
        int k = 0;
        for (int p = 0; p < packs.size(); p++) {
            long[] pts = packs.get(p).getTs();
            for (int i = 0; i < pts.length; i++, k++) {
                ts[k] = pts[i];
                packOf[k] = p;
                inPack[k] = i;
            }
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> ts[x] != ts[y] ? Long.compare(ts[x], ts[y]) : Integer.compare(x, y));

        String type = newestPack == null ? null : newestPack.getType();
        String site = newestPack == null ? null : newestPack.getSite();
        String unit = newestPack == null ? null : newestPack.getUnit();
        SensorWindowState state = new SensorWindowState(key, windows);
        SensorScorer scorer = Scorers.create(scorerConfig, key);
        long closedTo = Long.MIN_VALUE;
        for (int j = 0; j < count; j++) {
            int r = order[j];
            ReadingPack p = packs.get(packOf[r]);
            long start = windows.startOf(ts[r]);
            if (start > closedTo) { // no reading to come is before this window: the ones before it are complete
                for (ClosedWindow w : state.closeUpTo(start)) {
                    out.add(JobOutput.window(WindowScoring.scoreOrUnscored(scorer, w, scorerConfig.modelVersion(),
                            processedAt, type, site, unit)));
                }
                closedTo = start;
            }
            if (state.offer(ts[r], p.getValues()[inPack[r]], Long.MIN_VALUE) == SensorWindowState.Acceptance.DUPLICATE) {
                // the archive holds the stream's duplicates too: count each reading once, like the stream job
                out.add(JobOutput.deadLetter(JobOutput.DUPLICATE, p, inPack[r], JobOutput.DUPLICATE,
                        JobOutput.duplicateMessage(key, ts[r]), processedAt));
            }
        }
        for (ClosedWindow w : state.closeUpTo(Long.MAX_VALUE)) {
            out.add(JobOutput.window(WindowScoring.scoreOrUnscored(scorer, w, scorerConfig.modelVersion(), processedAt,
                    type, site, unit)));
        }
        return out.iterator();
    }
}
