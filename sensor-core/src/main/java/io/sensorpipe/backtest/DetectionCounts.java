package io.sensorpipe.backtest;

import io.sensorpipe.score.Detector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's flags against the simulator's ground truth ({@code labels.csv}): a labelled anomaly is detected when an
 * anomalous window of its sensor overlaps its interval; an anomalous window that overlaps no labelled anomaly of its
 * sensor is a false alarm. Labels and false alarms count when they overlap the live part {@code [liveFrom, liveEnd)},
 * so the warm-start history (learnt, and flagged only after the warm-up) does not; a label that began in the history
 * and reaches into the live part is detected by a flag in either (one incident, one flag: flagged when it began).
 * A flag that starts after the live part (a silence judged at the end-of-input marker) neither detects nor counts.
 * The pipeline's summary and the offline demo replay count with this one rule.
 *
 * @param labelled    labelled anomalies in the live part
 * @param detected    of those, the ones at least one anomalous window overlaps (labels, not windows), live or
 *                    before
 * @param falseAlarms anomalous windows of the live part that overlap no labelled anomaly of their sensor
 * @param byDetector  anomalous windows of the live part by the detector part that fired ({@link #shortName})
 * @param missed      the labelled anomalies of the live part that no anomalous window overlaps, in label order
 * @param falseAlarmFlags the false alarms themselves, by window start, then sensor
 */
public record DetectionCounts(long labelled, long detected, long falseAlarms, Map<String, Long> byDetector,
                              List<Label> missed, List<Flag> falseAlarmFlags) {

    /** One labelled anomaly: the sensor, the simulator's kind ("" when unknown), its event-time interval (inclusive). */
    public record Label(String sensorId, String kind, long startTs, long endTs) {
        public Label(String sensorId, long startTs, long endTs) {
            this(sensorId, "", startTs, endTs);
        }
    }

    /** One anomalous window: sensor, [windowStart, windowEnd), and the detector part that fired (may be null). */
    public record Flag(String sensorId, long windowStart, long windowEnd, String detector) {
        /**
         * Whether this window overlaps the label, or, for a dropout (its interval: the readings that never came), is
         * the window of the sensor's first reading after it: a dropout is seen when the sensor comes back, and that
         * window may start just after the last missing reading.
         */
        public boolean overlaps(Label l) {
            long end = DROPOUT.equals(l.kind()) ? l.endTs() + (windowEnd - windowStart) : l.endTs();
            return sensorId.equals(l.sensorId()) && windowStart <= end && windowEnd > l.startTs();
        }
    }

    /** The simulator's kind of a label for missing readings. */
    public static final String DROPOUT = "DROPOUT";

    public static final DetectionCounts UNKNOWN = new DetectionCounts(-1, -1, -1, Map.of(), List.of(), List.of());

    public static DetectionCounts match(List<Label> labels, List<Flag> flags, long liveFrom, long liveEnd) {
        Map<String, List<Label>> labelsBySensor = new HashMap<>();
        for (Label l : labels) {
            labelsBySensor.computeIfAbsent(l.sensorId(), k -> new ArrayList<>()).add(l);
        }
        List<Flag> liveFlags = flags.stream()
                .filter(f -> f.windowEnd() > liveFrom && f.windowStart() < liveEnd).toList();
        long labelled = 0;
        long detected = 0;
        List<Label> missed = new ArrayList<>();
        for (Label l : labels) {
            if (l.endTs() >= liveFrom && l.startTs() < liveEnd) {
                labelled++;
                if (flags.stream().anyMatch(f -> f.windowStart() < liveEnd && f.overlaps(l))) {
                    detected++;
                } else {
                    missed.add(l);
                }
            }
        }
        List<Flag> falseAlarms = new ArrayList<>();
        Map<String, Long> byDetector = new LinkedHashMap<>();
        for (Detector d : Detector.values()) {
            if (d != Detector.NONE) {
                byDetector.put(shortName(d.name()), 0L);
            }
        }
        for (Flag f : liveFlags) {
            // a flag overlapping a history label that reaches into the live part is that label's, not a false alarm
            if (labelsBySensor.getOrDefault(f.sensorId(), List.of()).stream().noneMatch(f::overlaps)) {
                falseAlarms.add(f);
            }
            byDetector.merge(shortName(f.detector()), 1L, Long::sum);
        }
        falseAlarms.sort(java.util.Comparator.comparingLong(Flag::windowStart).thenComparing(Flag::sensorId));
        return new DetectionCounts(labelled, detected, falseAlarms.size(), byDetector, List.copyOf(missed),
                List.copyOf(falseAlarms));
    }

    /** forest, seasonal, stats, range; "unknown" for a window that does not name its detector. */
    static String shortName(String detector) {
        if (detector == null) {
            return "unknown";
        }
        return switch (detector) {
            case "FOREST_LIKELIHOOD" -> "forest";
            case "SEASONAL" -> "seasonal";
            case "WINDOW_STATS" -> "stats";
            case "RANGE_NOVELTY" -> "range";
            case "SENSOR_FAULT" -> "fault";
            default -> detector.toLowerCase(Locale.ROOT);
        };
    }

    /** The simulator's labels file ({@code sensorId,kind,startTs,endTs,magnitude}, with its header). */
    public static List<Label> readLabels(Path labelsCsv) {
        try {
            List<String> lines = Files.readAllLines(labelsCsv, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                throw new IllegalArgumentException(labelsCsv + ": empty, expected the simulator's labels header");
            }
            List<String> header = Arrays.asList(lines.get(0).split(","));
            int sensor = header.indexOf("sensorId");
            int start = header.indexOf("startTs");
            int end = header.indexOf("endTs");
            int kind = header.indexOf("kind");
            if (sensor < 0 || start < 0 || end < 0) {
                throw new IllegalArgumentException(labelsCsv + ": header must name sensorId, startTs and endTs, got "
                        + lines.get(0));
            }
            List<Label> out = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",");
                out.add(new Label(cells[sensor], kind < 0 ? "" : cells[kind].trim(), Long.parseLong(cells[start].trim()),
                        Long.parseLong(cells[end].trim())));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + labelsCsv, e);
        }
    }

    private static final java.time.format.DateTimeFormatter CLOCK = java.time.format.DateTimeFormatter
            .ofPattern("HH:mm:ss.SSS").withZone(java.time.ZoneOffset.UTC);

    /**
     * One line per missed label, e.g. {@code missed DROPOUT site-00/asset-000/temperature 18:15:38.953..18:16:33.953
     * UTC (ends after the live part)}: a label still going on when the producer stops can only be caught while it
     * lasts (a dropout: once event time is two whole windows past the sensor's last one, {@code Silence}).
     */
    public List<String> missedLines(long liveEnd) {
        return missed.stream().map(l -> "missed " + (l.kind().isEmpty() ? "anomaly" : l.kind()) + " " + l.sensorId()
                + " " + span(l.startTs(), l.endTs()) + (l.endTs() >= liveEnd ? " (ends after the live part)" : ""))
                .toList();
    }

    /**
     * One line per false alarm, e.g. {@code false alarm FOREST_LIKELIHOOD site-00/asset-001/power
     * 18:46:05.000..18:46:10.000 UTC}, so a run's flags that no label explains can be looked up.
     */
    public List<String> falseAlarmLines() {
        return falseAlarmFlags.stream().map(f -> "false alarm " + f.detector() + " " + f.sensorId() + " "
                + span(f.windowStart(), f.windowEnd())).toList();
    }

    private static String span(long from, long to) {
        return CLOCK.format(java.time.Instant.ofEpochMilli(from)) + ".." + CLOCK.format(java.time.Instant.ofEpochMilli(to))
                + " UTC";
    }

    /** {@code labelled=5 detected=4 false_alarms=2 by_detector=forest:3,seasonal:1,stats:0,range:0}. */
    public String summaryPart() {
        if (labelled < 0) {
            return "labelled=? detected=? false_alarms=? by_detector=?";
        }
        StringBuilder by = new StringBuilder();
        byDetector.forEach((k, v) -> by.append(by.length() == 0 ? "" : ",").append(k).append(':').append(v));
        return "labelled=" + labelled + " detected=" + detected + " false_alarms=" + falseAlarms + " by_detector="
                + by;
    }
}
