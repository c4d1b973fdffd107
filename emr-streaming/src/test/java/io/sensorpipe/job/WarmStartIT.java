package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.contract.JobControl;
import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.WindowResult;
import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.score.Scorers;
import io.sensorpipe.score.SensorScorer;
import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.SensorWindowState;
import io.sensorpipe.window.TumblingWindows;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Warm start from the archive on the local cloud (moto S3 + kinesis-mock): archive objects in the Firehose layout
 * hold 35 minutes of two sensors; the job starts from its command line on a new checkpoint with the default detector
 * (warm-up 388 windows), {@code --warm-start-archive} and the stream starting {@code AT_TIMESTAMP} (or at its trim
 * horizon, as the CDK step starts it); its first live windows are judged by the trained model, not the warm-up,
 * and score exactly as the same model trained and run offline.
 */
class WarmStartIT {
    private static final long WINDOW_MS = 5_000;
    private static final int HISTORY_WINDOWS = 430;
    private static final List<String> SENSORS = List.of("it/warm-a", "it/warm-b");

    @TempDir
    Path tmp;

    @Test
    void theFirstLiveWindowsAreScoredByTheModelTrainedOnTheArchive() throws Exception {
        long cut = (System.currentTimeMillis() - 2 * 60_000) / WINDOW_MS * WINDOW_MS;
        try (LocalCloudFixture cloud = new LocalCloudFixture(1)) {
            trainOnTheArchiveThenScoreLive(cloud, cut, 60_000,
                    JobOptions.INITIAL_POSITION, "AT_TIMESTAMP", JobOptions.AT_TIMESTAMP, Long.toString(cut));
        }
    }

    /**
     * The CDK step's way: the stream from its trim horizon, which on a stream younger than its retention is the
     * stream's creation; the archive holds what came before, and the job finds the cut itself.
     */
    @Test
    void fromTheTrimHorizonTheArchiveEndsWhereTheStreamBegins() throws Exception {
        try (LocalCloudFixture cloud = new LocalCloudFixture(1)) {
            long created = cloud.kinesis.describeStreamSummary(b -> b.streamName(cloud.stream))
                    .streamDescriptionSummary().streamCreationTimestamp().toEpochMilli();
            long cut = created / WINDOW_MS * WINDOW_MS; // the window holding the cut is left to the stream
            // the sentinel stays within the job's --max-future-skew (60 s) of the clock
            trainOnTheArchiveThenScoreLive(cloud, cut, 40_000, JobOptions.INITIAL_POSITION, "TRIM_HORIZON");
        }
    }

    private void trainOnTheArchiveThenScoreLive(LocalCloudFixture cloud, long cut, long sentinelAfterCut,
                                                String... startArgs) throws Exception {
        ScorerConfig scorer = ScorerConfig.defaults();
        long start = cut - HISTORY_WINDOWS * WINDOW_MS;
        Random random = new Random(5);
        {
            String archive = cloud.cloud.createBucket("emr-it-archive");
            // the archive: one reading a second per sensor, 10-minute objects under their arrival hour
            TreeMap<Long, List<Reading>> objects = new TreeMap<>();
            for (long ts = start; ts < cut; ts += 1_000) {
                for (String sensor : SENSORS) {
                    objects.computeIfAbsent(ts / 600_000, k -> new ArrayList<>()).add(
                            Reading.of(sensor, "temperature", "it-site", ts + 17, 20 + 0.2 * random.nextGaussian(), "C"));
                }
            }
            for (List<Reading> part : objects.values()) {
                putArchiveObject(cloud, archive, part);
            }
            // live: 6 windows from the cut; sensor a sends one spiky reading in its second live window; one reading of
            // the last archived window also comes through the stream (Firehose archived what the stream carried)
            List<byte[]> live = new ArrayList<>();
            List<Reading> liveReadings = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            live.add(Reading.of(SENSORS.get(1), "temperature", "it-site", cut - 3_000 + 17, 20.1, "C").toJsonBytes());
            keys.add(SENSORS.get(1));
            for (long ts = cut; ts < cut + 6 * WINDOW_MS; ts += 1_000) {
                for (String sensor : SENSORS) {
                    boolean spike = sensor.equals(SENSORS.get(0)) && ts == cut + WINDOW_MS + 2_000;
                    double value = spike ? 22.5 : 20 + 0.2 * random.nextGaussian();
                    Reading r = Reading.of(sensor, "temperature", "it-site", ts + 17, value, "C");
                    liveReadings.add(r);
                    live.add(r.toJsonBytes());
                    keys.add(sensor);
                }
            }
            live.add(Reading.of("it/sentinel", "temperature", "it-site", cut + sentinelAfterCut, 0, "C").toJsonBytes());
            keys.add("it/sentinel");
            cloud.put(live, keys);
            int silencesExpected = sentinelAfterCut - 5_000 >= 8 * WINDOW_MS ? SENSORS.size() : 0;

            // the job as deployed: its command line, warm start from the archive up to where the stream starts
            String checkpoint = tmp.resolve("cp").toString();
            List<String> argList = new ArrayList<>(List.of(
                JobOptions.STREAM, cloud.stream, JobOptions.TABLE, cloud.table, JobOptions.CHECKPOINT, checkpoint,
                JobOptions.DEAD_LETTER_BUCKET, cloud.bucket, JobOptions.WINDOW, WINDOW_MS + "ms",
                JobOptions.WATERMARK, "5s", JobOptions.TRIGGER, "1s", JobOptions.SHUFFLE_PARTITIONS, "2",
                JobOptions.WARM_START_ARCHIVE, "s3://" + archive + "/raw/", JobOptions.WARM_START_HISTORY, "1h",
                JobOptions.METRICS_FILE, tmp.resolve("metrics.json").toString()));
            argList.addAll(List.of(startArgs));
            String[] args = argList.toArray(String[]::new);
            AtomicInteger exit = new AtomicInteger(-1);
            Thread job = new Thread(() -> exit.set(new CommandLine(new StreamingJobMain()).execute(args)), "job");
            job.start();
            try {
                awaitOrFail(() -> withReadings(liveWindows(cloud)).size() >= 12, job, "12 live windows in DynamoDB");
                awaitOrFail(() -> silences(liveWindows(cloud)).size() >= silencesExpected, job,
                        silencesExpected + " silence flags");
                awaitOrFail(() -> deadLetterCount(cloud) >= 1, job, "the overlapping reading dead-lettered");
            } finally {
                Path marker = Path.of(JobControl.stopMarkerFor(checkpoint));
                Files.createDirectories(marker.getParent());
                Files.writeString(marker, "stop");
                job.join(180_000);
            }
            assertThat(exit.get()).as("job exit code").isZero();
            // the sentinel moves event time on 30 s past both sensors' last readings (watermark delay 5 s): each is
            // flagged silent once, in its second empty window; 10 s past (the other test) is not enough
            assertThat(silences(liveWindows(cloud))).hasSize(silencesExpected).allSatisfy(w -> {
                assertThat(w.windowStart()).isEqualTo(cut + 7 * WINDOW_MS);
                assertThat(w.anomaly()).isTrue();
                assertThat(w.detector()).isEqualTo("SENSOR_FAULT");
            });
            List<WindowResult> windows = withReadings(liveWindows(cloud));
            assertThat(windows).hasSize(12).allSatisfy(w -> {
                assertThat(w.windowStart()).isGreaterThanOrEqualTo(cut); // the archive's windows are not re-written
                // past the warm-up a trained model gives every window a score (warm-up windows score exactly 0)
                assertThat(w.anomalyScore()).as(w.toString()).isPositive();
                assertThat(w.modelVersion()).isEqualTo(scorer.modelVersion());
            });
            WindowResult spiky = windows.stream()
                    .filter(w -> w.sensorId().equals(SENSORS.get(0)) && w.windowStart() == cut + WINDOW_MS).findFirst()
                    .orElseThrow();
            assertThat(spiky.anomaly()).as(spiky.toString()).isTrue();
            assertThat(spiky.detector()).isEqualTo("SENSOR_FAULT");
            // and it is the same model: the archive learnt, then the live windows scored, offline in plain Java
            for (String sensor : SENSORS) {
                List<Reading> sensorArchive = objects.values().stream().flatMap(List::stream)
                        .filter(r -> r.sensorId().equals(sensor)).toList();
                List<Reading> sensorLive = liveReadings.stream().filter(r -> r.sensorId().equals(sensor)).toList();
                List<Double> offline = offlineScores(scorer, sensor, sensorArchive, sensorLive);
                assertThat(windows.stream().filter(w -> w.sensorId().equals(sensor)).map(WindowResult::anomalyScore))
                        .as(sensor).containsExactlyElementsOf(offline);
            }
            // the overlap rule: a stream reading of a window the archive covered is LATE, not counted twice
            assertThat(cloud.deadLetters()).anySatisfy(d -> {
                assertThat(d.get("reason")).isEqualTo("LATE");
                assertThat(d.get("eventTs")).isEqualTo(cut - 3_000 + 17);
            });
        }
    }

    private static List<WindowResult> withReadings(List<WindowResult> windows) {
        return windows.stream().filter(w -> w.count() > 0).toList();
    }

    private static List<WindowResult> silences(List<WindowResult> windows) {
        return windows.stream().filter(w -> w.count() == 0).toList();
    }

    private static List<Double> offlineScores(ScorerConfig config, String sensor, List<Reading> archive,
                                              List<Reading> live) {
        TumblingWindows windows = new TumblingWindows(Duration.ofMillis(WINDOW_MS));
        SensorScorer model = Scorers.warmStart(config, sensor, windowsOf(windows, sensor, archive));
        return windowsOf(windows, sensor, live).stream().map(w -> model.score(w).anomalyScore()).toList();
    }

    private static List<ClosedWindow> windowsOf(TumblingWindows windows, String sensor, List<Reading> readings) {
        SensorWindowState state = new SensorWindowState(sensor, windows);
        readings.forEach(r -> state.offer(r.ts(), r.value(), Long.MIN_VALUE));
        return state.closeUpTo(Long.MAX_VALUE);
    }

    /** Waits for a condition while the job thread runs (generous: a loaded 2-core machine; a wait, not a timing claim). */
    private static void awaitOrFail(java.util.function.BooleanSupplier condition, Thread job, String what)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 240_000;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (!job.isAlive()) {
                throw new AssertionError("the job ended while waiting for " + what);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private static List<WindowResult> liveWindows(LocalCloudFixture cloud) {
        return cloud.windows().stream().filter(w -> SENSORS.contains(w.sensorId()))
                .sorted(Comparator.comparing(WindowResult::sensorId).thenComparingLong(WindowResult::windowStart))
                .toList();
    }

    private static int deadLetterCount(LocalCloudFixture cloud) {
        try {
            return cloud.deadLetters().size();
        } catch (Exception e) {
            return 0;
        }
    }

    /** One object as Firehose writes it: GZIP JSON lines under the hour of its oldest record's arrival. */
    private static void putArchiveObject(LocalCloudFixture cloud, String bucket, List<Reading> readings)
            throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            for (Reading r : readings) {
                gz.write(r.toJsonBytes());
                gz.write('\n');
            }
        }
        ZonedDateTime t = Instant.ofEpochMilli(readings.get(0).ts()).atZone(ZoneOffset.UTC);
        String key = String.format(Locale.ROOT,
                "raw/year=%04d/month=%02d/day=%02d/hour=%02d/sensorpipe-archive-1-%04d-%02d-%02d-%02d-%02d-%02d-%s.gz",
                t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), UUID.randomUUID());
        cloud.cloud.s3().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes.toByteArray()));
    }
}
