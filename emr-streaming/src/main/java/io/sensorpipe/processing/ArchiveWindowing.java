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
        Dataset<ParsedRecord> parsed = raw.mapPartitions(
                new RecordParsing(Duration.ofDays(100_000).toMillis(), Duration.ofHours(1).toMillis()),
                Encoders.bean(ParsedRecord.class));
        TumblingWindows windows = new TumblingWindows(windowSize);
        return parsed.groupByKey((MapFunction<ParsedRecord, String>) ParsedRecord::getRouteKey, Encoders.STRING())
                .flatMapGroups((FlatMapGroupsFunction<String, ParsedRecord, JobOutput>) (key, rows) ->
                        windowsOf(key, rows, windows, scorerConfig, processedAt), Encoders.bean(JobOutput.class));
    }

    static Iterator<JobOutput> windowsOf(String key, Iterator<ParsedRecord> rows, TumblingWindows windows,
                                         ScorerConfig scorerConfig, long processedAt) {
        List<JobOutput> out = new ArrayList<>();
        if (ParsedRecord.isDeadLetterKey(key)) {
            rows.forEachRemaining(r -> out.add(JobOutput.deadLetter(JobOutput.DEAD, r, r.getReason(), r.getMessage(),
                    processedAt)));
            return out.iterator();
        }
        SensorWindowState state = new SensorWindowState(key, windows);
        String type = null;
        String site = null;
        String unit = null;
        long newest = Long.MIN_VALUE;
        while (rows.hasNext()) {
            ParsedRecord r = rows.next();
            if (r.getTs() >= newest) { // descriptive fields from the newest reading, as the stream keeps the last
                newest = r.getTs();
                type = r.getType();
                site = r.getSite();
                unit = r.getUnit();
            }
            if (state.offer(r.getTs(), r.getValue(), Long.MIN_VALUE) == SensorWindowState.Acceptance.DUPLICATE) {
                // the archive holds the stream's duplicates too: count each reading once, like the stream job
                out.add(JobOutput.deadLetter(JobOutput.DUPLICATE, r, JobOutput.DUPLICATE,
                        "reading (" + key + ", " + r.getTs() + ") is already in its window", processedAt));
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
