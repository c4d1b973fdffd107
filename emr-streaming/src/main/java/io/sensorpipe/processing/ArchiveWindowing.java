package io.sensorpipe.processing;

import io.sensorpipe.schema.WindowResult;
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
 * window order per sensor. With the whole archive at hand nothing is late: every window is closed at the end.
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

    static Iterator<JobOutput> windowsOf(String key, Iterator<ReadingPack> rows, TumblingWindows windows,
                                         ScorerConfig scorerConfig, long processedAt) {
        List<JobOutput> out = new ArrayList<>();
        if (ParsedRecord.isDeadLetterKey(key)) {
            rows.forEachRemaining(r -> out.add(JobOutput.rejected(r, processedAt)));
            return out.iterator();
        }
        SensorWindowState state = new SensorWindowState(key, windows);
        String type = null;
        String site = null;
        String unit = null;
        long newest = Long.MIN_VALUE;
        while (rows.hasNext()) {
            ReadingPack p = rows.next();
            long[] ts = p.getTs();
            double[] values = p.getValues();
            for (int i = 0; i < ts.length; i++) {
                if (ts[i] >= newest) { // descriptive fields from the newest reading, as the stream keeps the last
                    newest = ts[i];
                    type = p.getType();
                    site = p.getSite();
                    unit = p.getUnit();
                }
                if (state.offer(ts[i], values[i], Long.MIN_VALUE) == SensorWindowState.Acceptance.DUPLICATE) {
                    // the archive holds the stream's duplicates too: count each reading once, like the stream job
                    out.add(JobOutput.deadLetter(JobOutput.DUPLICATE, p, i, JobOutput.DUPLICATE,
                            JobOutput.duplicateMessage(key, ts[i]), processedAt));
                }
            }
        }
        SensorScorer scorer = Scorers.create(scorerConfig, key);
        for (ClosedWindow w : state.closeUpTo(Long.MAX_VALUE)) {
            WindowResult result = WindowScoring.scoreOrUnscored(scorer, w, scorerConfig.modelVersion(), processedAt,
                    type, site, unit);
            out.add(JobOutput.window(result));
        }
        return out.iterator();
    }
}
