package io.sensorpipe.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import io.sensorpipe.processing.RunStarts;

/**
 * What a restart needs to know before it changes {@code --window}: the window size the checkpoint's batches were
 * planned with, and the batch a stopped run left unfinished (planned, not committed). Spark re-runs that batch with
 * the restarted query's settings, but the stopped run may have written its windows already (a crash or a cancel
 * between the sink's writes and Spark's commit): re-run with another size, its windows overlap those and count
 * their readings twice. {@link SensorStreamingJob#start} therefore finishes it with the size it was planned with
 * first. Spark keeps no setting of ours, so the size is a file of ours beside Spark's, written before each query
 * plans; Hadoop's FileSystem reads it, so it works for s3:// (EMRFS) and local checkpoints alike.
 */
final class CheckpointWindow {
    /** The file in the checkpoint's directory: the window size in milliseconds, as text, and an end of line. */
    static final String FILE = "sensorpipe-window-millis";
    /**
     * The file of the queries' starts, oldest first, one a line: the start time and the watermark it started from
     * (epoch ms, space between): see {@link #recordRunStart}.
     */
    static final String RUN_STARTS = "sensorpipe-run-starts";
    /**
     * The file of the other settings that decide what a batch writes, as the last query started on this checkpoint
     * had them (one line: watermark, idle timeout, maximum future skew in ms, warm-up windows; space between): see
     * {@link Settings}.
     */
    static final String SETTINGS = "sensorpipe-batch-settings";
    /** Starts kept: a re-run needs only the start of the run before it. */
    private static final int KEEP_RUN_STARTS = 100;

    private final FileSystem fs;
    private final Path root;

    private CheckpointWindow(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
    }

    static CheckpointWindow of(Configuration hadoop, String checkpoint) throws IOException {
        Path root = new Path(checkpoint);
        return new CheckpointWindow(root.getFileSystem(hadoop), root);
    }

    /** The batch Spark re-runs when the query restarts (its offsets are logged, its commit is not), or -1. */
    long unfinishedBatch() throws IOException {
        long planned = newestBatch("offsets");
        return planned > newestBatch("commits") ? planned : -1;
    }

    /** The window size recorded by the last query started on this checkpoint; null when none is (new, or older). */
    Duration recorded() throws IOException {
        // a write cut short (no end of line: "15000" could have been "150"; locally also a checksum that does not
        // match) counts as none recorded, which leaves the re-run to Spark as before
        String text = whole(new Path(root, FILE));
        return text != null && text.matches("\\d{1,18}\n") ? Duration.ofMillis(Long.parseLong(text.trim())) : null;
    }

    void record(Duration window) throws IOException {
        try (OutputStream out = fs.create(new Path(root, FILE), true)) {
            out.write((window.toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Besides the window size, the flags that decide what a re-run batch writes: the watermark delay (where the
     * watermark goes after it, so what the next batches call late), the idle timeout (which sensors, and models, it
     * forgets: a re-run that keeps one would find its model file gone and reset it), the future skew (which readings
     * it accepts) and the warm-up (whether a new sensor's windows are scored). Changed over an unfinished batch, the
     * re-run would write other results than its first attempt, which may have written its own already.
     */
    record Settings(long watermarkMillis, long idleTimeoutMillis, long maxFutureSkewMillis, int warmupWindows) {
        static Settings of(JobConfig c) {
            return new Settings(c.watermarkDelay().toMillis(), c.idleTimeout().toMillis(), c.maxFutureSkew().toMillis(),
                    c.warmupWindows());
        }
    }

    /**
     * The settings recorded by the last query started here; null when none are (new, older, or a torn write), or
     * when the window file was written after them: a release without this file started the checkpoint since (a
     * rollback), so they may not be the ones its batches were planned with.
     */
    Settings recordedSettings() throws IOException {
        Path file = new Path(root, SETTINGS);
        Path window = new Path(root, FILE);
        if (fs.exists(file) && fs.exists(window)
                && fs.getFileStatus(window).getModificationTime() > fs.getFileStatus(file).getModificationTime()) {
            return null;
        }
        String text = whole(file);
        if (text == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,18}) (\\d{1,18}) (\\d{1,18}) (\\d{1,9})\n")
                .matcher(text);
        return m.matches() ? new Settings(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                Long.parseLong(m.group(3)), Integer.parseInt(m.group(4))) : null;
    }

    /** The text of {@code file}; null when it is absent, or torn where the file system can tell (a checksum). */
    private String whole(Path file) throws IOException {
        if (!fs.exists(file)) {
            return null;
        }
        try (InputStream in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (org.apache.hadoop.fs.ChecksumException torn) {
            return null;
        }
    }

    /** Records {@code settings}, whole or not at all. */
    void record(Settings settings) throws IOException {
        Path file = new Path(root, SETTINGS);
        Path tmp = new Path(root, "." + SETTINGS + "." + java.util.UUID.randomUUID() + ".tmp");
        try (OutputStream o = fs.create(tmp, false)) {
            o.write((settings.watermarkMillis() + " " + settings.idleTimeoutMillis() + " "
                    + settings.maxFutureSkewMillis() + " " + settings.warmupWindows() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        fs.delete(file, false);
        if (!fs.rename(tmp, file)) {
            fs.delete(tmp, false);
            throw new IOException("could not write " + file);
        }
    }

    /**
     * Adds {@code now} to the recorded start times and returns them all, oldest first. The state function counts a
     * quiet sensor's time from the start of the run a batch belongs to (the newest start not after the batch's
     * time), not from the time the job was down; a batch re-run after a crash keeps its first time, so it finds its
     * first attempt's start here and closes exactly the same windows.
     */
    RunStarts recordRunStart(long now) throws IOException {
        java.util.List<long[]> starts = new java.util.ArrayList<>();
        Path file = new Path(root, RUN_STARTS);
        String text = whole(file);
        if (text != null) {
            // only whole lines: a write cut short leaves at most a partial last one
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(\\d{1,18})(?: (-?\\d{1,19}))?\n")
                    .matcher(text);
            while (m.find()) {
                starts.add(new long[] {Long.parseLong(m.group(1)),
                        m.group(2) == null ? RunStarts.UNKNOWN_WATERMARK : Long.parseLong(m.group(2))});
            }
        }
        starts.add(new long[] {now, plannedWatermark()});
        starts.sort(java.util.Comparator.comparingLong(s -> s[0]));
        java.util.List<long[]> kept = starts.subList(Math.max(0, starts.size() - KEEP_RUN_STARTS), starts.size());
        StringBuilder out = new StringBuilder();
        kept.forEach(s -> out.append(s[0]).append(' ').append(s[1]).append('\n'));
        // whole or not at all (a create truncates first): a kill while writing keeps the previous file
        Path tmp = new Path(root, "." + RUN_STARTS + "." + java.util.UUID.randomUUID() + ".tmp");
        try (OutputStream o = fs.create(tmp, false)) {
            o.write(out.toString().getBytes(StandardCharsets.UTF_8));
        }
        fs.delete(file, false);
        if (!fs.rename(tmp, file)) {
            fs.delete(tmp, false);
            throw new IOException("could not write " + file);
        }
        return new RunStarts(kept.stream().mapToLong(s -> s[0]).toArray(), kept.stream().mapToLong(s -> s[1]).toArray());
    }

    /**
     * The watermark a query starts from, as Spark restores it: the newest planned batch's ({@code batchWatermarkMs}
     * in the offset log), raised to the one its commit recorded for the next batch ({@code nextBatchWatermarkMs})
     * when it committed; 0 (Spark's first) for a new checkpoint, and unknown when an entry cannot be read.
     */
    long plannedWatermark() throws IOException {
        long newest = newestBatch("offsets");
        if (newest < 0) {
            return 0;
        }
        Long planned = longIn("offsets", newest, "batchWatermarkMs");
        if (planned == null) {
            return RunStarts.UNKNOWN_WATERMARK;
        }
        if (newestBatch("commits") == newest) {
            Long next = longIn("commits", newest, "nextBatchWatermarkMs");
            return next == null ? RunStarts.UNKNOWN_WATERMARK : Math.max(planned, next);
        }
        return planned;
    }

    /** The number field {@code name} of Spark's log entry {@code batch} in {@code dir}, or null when unreadable. */
    private Long longIn(String dir, long batch, String name) throws IOException {
        String value = fieldIn(dir, batch, name);
        return value == null ? null : Long.valueOf(value);
    }

    /**
     * The digits of field {@code name} (a JSON number, or a string of digits as Spark's conf values are) in Spark's
     * log entry {@code batch} of {@code dir}, or null when it is absent or the entry unreadable.
     */
    private String fieldIn(String dir, long batch, String name) throws IOException {
        String text;
        try (InputStream in = fs.open(new Path(new Path(root, dir), Long.toString(batch)))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (org.apache.hadoop.fs.ChecksumException torn) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("\"" + java.util.regex.Pattern.quote(name) + "\":\"?(\\d{1,19})").matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /**
     * The state partitions the checkpoint's batches were planned with ({@code spark.sql.shuffle.partitions} in the
     * newest offset log entry's conf, which Spark keeps whatever a restart sets), or null for a new checkpoint.
     */
    Integer shufflePartitions() throws IOException {
        long newest = newestBatch("offsets");
        String value = newest < 0 ? null : fieldIn("offsets", newest, "spark.sql.shuffle.partitions");
        try {
            return value == null ? null : Integer.valueOf(value);
        } catch (NumberFormatException notAPartitionCount) {
            return null;
        }
    }

    /**
     * Whether the newest planned batch's source offset is one the {@code sensorpipe-kinesis} source wrote (Spark's
     * offset log entry: a version line, the batch's metadata, then the source's offset). AWS's connector cannot read
     * it, and says so deep inside itself, if at all; false for a new checkpoint or another source's offset.
     */
    boolean writtenByOurSource() throws IOException {
        long newest = newestBatch("offsets");
        if (newest < 0) {
            return false;
        }
        String text;
        try (InputStream in = fs.open(new Path(new Path(root, "offsets"), Long.toString(newest)))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (org.apache.hadoop.fs.ChecksumException torn) {
            return false;
        }
        String[] lines = text.split("\n");
        if (lines.length < 3) {
            return false;
        }
        try {
            io.sensorpipe.kinesis.KinesisOffset.fromJson(lines[2]);
            return true;
        } catch (IllegalArgumentException another) {
            return false;
        }
    }

    /** The newest batch id in Spark's metadata log {@code dir} (files named by batch id), or -1. */
    private long newestBatch(String dir) throws IOException {
        Path log = new Path(root, dir);
        if (!fs.exists(log)) {
            return -1;
        }
        long newest = -1;
        for (FileStatus f : fs.listStatus(log)) {
            String name = f.getPath().getName();
            if (f.isFile() && name.matches("\\d{1,18}")) {
                newest = Math.max(newest, Long.parseLong(name));
            }
        }
        return newest;
    }
}
