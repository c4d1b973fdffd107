package io.sensorpipe.cli.pipeline;

import io.sensorpipe.backtest.DetectionCounts;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-of-run counts of one pipeline run and the identities they must satisfy:
 * <ul>
 *   <li>every produced reading is windowed, late (behind the watermark) or dead-lettered (invalid):
 *       {@code produced = windowed + late + dead_lettered};</li>
 *   <li>the archive holds every produced reading: {@code archived = produced}, counting distinct readings
 *       (sensorId, ts): delivery is at-least-once, so the stream and the archive may hold a reading twice;</li>
 *   <li>every anomalous window alerts unless the sensor's cooldown suppressed it:
 *       {@code alerted = anomalies - suppressed}.</li>
 * </ul>
 * {@code duplicates} (repeats the streaming job found in a window and counted once) and {@code archiveDuplicates}
 * (archive lines repeating a reading) are reported, outside the identities. A count that could not be read is
 * {@code -1} and fails reconciliation, since it cannot be checked.
 */
public record PipelineCounts(long produced, long windowed, long late, long deadLettered, long duplicates,
                             long archived, long archiveDuplicates, long anomalies, long alerted, long suppressed) {

    public static final long UNKNOWN = -1;

    /** The mismatches, empty when everything reconciles. */
    public List<String> mismatches() {
        List<String> problems = new ArrayList<>();
        String[] names = {"produced", "windowed", "late", "dead_lettered", "duplicates", "archived",
                "archive_duplicates", "anomalies", "alerted", "suppressed"};
        long[] values = {produced, windowed, late, deadLettered, duplicates, archived, archiveDuplicates, anomalies,
                alerted, suppressed};
        for (int i = 0; i < names.length; i++) {
            if (values[i] < 0) {
                problems.add(names[i] + " unknown");
            }
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        if (produced != windowed + late + deadLettered) {
            problems.add("produced " + produced + " != windowed+late+dead_lettered "
                    + (windowed + late + deadLettered));
        }
        if (archived != produced) {
            problems.add("archived " + archived + " != produced " + produced);
        }
        if (alerted != anomalies - suppressed) {
            problems.add("alerted " + alerted + " != anomalies-suppressed " + (anomalies - suppressed));
        }
        return problems;
    }

    public boolean reconciles() {
        return mismatches().isEmpty();
    }

    /** The summary line with the live part's detection counts before the verdict (they are not reconciled). */
    public String summaryLine(DetectionCounts detection) {
        String line = summaryLine();
        int verdict = line.indexOf(" reconciled=");
        return line.substring(0, verdict) + " " + detection.summaryPart() + line.substring(verdict);
    }

    /** The one summary line the run ends with (contract: names every count). */
    public String summaryLine() {
        List<String> problems = mismatches();
        return "produced=" + show(produced) + " windowed=" + show(windowed) + " late=" + show(late)
                + " dead_lettered=" + show(deadLettered) + " duplicates=" + show(duplicates)
                + " archived=" + show(archived) + " archive_duplicates=" + show(archiveDuplicates)
                + " anomalies=" + show(anomalies) + " alerted=" + show(alerted) + " suppressed=" + show(suppressed)
                + (problems.isEmpty() ? " reconciled=yes" : " reconciled=NO (" + String.join("; ", problems) + ")");
    }

    private static String show(long v) {
        return v < 0 ? "?" : Long.toString(v);
    }
}
