package io.sensorpipe.job;

import io.sensorpipe.contract.ArchiveGzip;
import io.sensorpipe.contract.ArchiveLayout;
import io.sensorpipe.processing.SensorState;
import io.sensorpipe.processing.WarmStartState;
import io.sensorpipe.schema.ParseResult;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.ReadingParser;
import io.sensorpipe.score.HistoryTraining;
import io.sensorpipe.score.ScorerConfig;
import io.sensorpipe.window.TumblingWindows;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.KeyValueGroupedDataset;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Warm start from the raw archive (Firehose layout {@code <prefix>year=YYYY/month=MM/day=DD/hour=HH/*.gz}, GZIP
 * JSON lines, as sensor-core's {@link ArchiveLayout} defines it): every sensor's model learns the archived readings
 * of {@code history} before the cut, through sensor-core's windows and scorer ({@link HistoryTraining}), and the
 * result becomes the stream's initial state (Spark applies it to a new checkpoint only).
 *
 * <p>Work is spread like the job's: the driver lists the hour partitions that can hold readings of the period (hours
 * are Firehose arrival times, so one hour before it and one after the cut are listed too), executors read the
 * objects and each sensor's readings are trained where its group lands.
 */
public final class ArchiveWarmStart {
    /** Arrival-hour partitions scanned around the period: a reading arrives after its event time, rarely before. */
    private static final Duration SKEW = Duration.ofHours(1);

    private ArchiveWarmStart() {
    }

    /**
     * @param archive  {@code s3://bucket/prefix/} of the raw archive (the Firehose {@code raw/} prefix)
     * @param cut      where the stream takes over (see {@link HistoryTraining} for the overlap rule)
     * @param history  how much event time before the cut to learn
     */
    public static KeyValueGroupedDataset<String, SensorState> initialState(SparkSession spark, S3Client s3,
            SerializableS3 executorS3, String archive, Instant cut, Duration history, Duration windowSize,
            ScorerConfig config) {
        URI uri = parse(archive);
        String bucket = uri.getHost();
        String prefix = uri.getPath().replaceFirst("^/", "");
        long cutMillis = cut.toEpochMilli();
        long from = cutMillis - history.toMillis();
        List<String> keys = objectKeys(s3, bucket, prefix, Instant.ofEpochMilli(from).minus(SKEW), cut.plus(SKEW));
        TumblingWindows windows = new TumblingWindows(windowSize);
        long now = System.currentTimeMillis();
        return spark.createDataset(keys, Encoders.STRING())
                .repartition(Math.max(1, Math.min(keys.size(), spark.sparkContext().defaultParallelism() * 4)))
                .flatMap((FlatMapFunction<String, Tuple2<String, String>>) key -> readingsOf(executorS3.get(), bucket, key,
                        from, cutMillis), Encoders.tuple(Encoders.STRING(), Encoders.STRING()))
                .groupByKey((MapFunction<Tuple2<String, String>, String>) Tuple2::_1, Encoders.STRING())
                .mapGroups((MapGroupsFunction<String, Tuple2<String, String>, Tuple2<String, SensorState>>)
                        (sensorId, rows) -> {
                            HistoryTraining.Trained trained = HistoryTraining.train(config, windows, sensorId,
                                    parsed(rows), cutMillis);
                            return new Tuple2<>(sensorId, WarmStartState.of(sensorId, windows, trained, now));
                        }, Encoders.tuple(Encoders.STRING(), Encoders.bean(SensorState.class)))
                .groupByKey((MapFunction<Tuple2<String, SensorState>, String>) Tuple2::_1, Encoders.STRING())
                .mapValues((MapFunction<Tuple2<String, SensorState>, SensorState>) Tuple2::_2,
                        Encoders.bean(SensorState.class));
    }

    /**
     * Wires the warm start into {@code job}, unless the checkpoint has committed a batch (Spark then ignores an
     * initial state, and the checkpoint's state is newer than the archive): then it says so and reads nothing.
     */
    static void attach(SensorStreamingJob job, SparkSession spark, JobAwsClients aws, JobConfig config,
                       String archive, Instant cut, Duration history) throws IOException {
        if (hasCommittedBatches(spark.sparkContext().hadoopConfiguration(), config.checkpoint())) {
            System.err.println("warm start skipped: checkpoint " + config.checkpoint() + " has run before, its state"
                    + " is newer than the archive");
            return;
        }
        Instant firstCut = firstAttemptCut(spark.sparkContext().hadoopConfiguration(), config.checkpoint(), cut);
        if (!firstCut.equals(cut)) {
            System.err.println("warm start: up to " + firstCut + ", as this checkpoint's first attempt (its first batch "
                    + "has not committed; the stream starts where that attempt planned it)");
        }
        job.withInitialState((s, window) -> initialState(s, aws.s3(), JobAwsClients::sharedS3, archive, firstCut,
                history, window, job.scorerConfig()));
    }

    /**
     * The cut of this checkpoint's first attempt, stored beside it. A restart before the first batch committed
     * re-runs batch 0 as planned, with the first attempt's stream start (LATEST is fixed to that attempt's time);
     * a cut recomputed now would lie later, and stream readings between the two would find their windows already
     * closed by the warm start (LATE).
     */
    static Instant firstAttemptCut(org.apache.hadoop.conf.Configuration hadoop, String checkpoint, Instant cut)
            throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(checkpoint, "warm-start-cut");
        org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(hadoop);
        if (fs.exists(p)) {
            try (var in = fs.open(p)) {
                return Instant.ofEpochMilli(Long.parseLong(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim()));
            } catch (NumberFormatException | org.apache.hadoop.fs.ChecksumException unreadable) {
                // written partly by an attempt that died while writing it: that attempt planned nothing yet
            }
        }
        fs.mkdirs(p.getParent());
        try (var out = fs.create(p, true)) {
            out.write(Long.toString(cut.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        }
        return cut;
    }

    /** True when the checkpoint has committed a batch. */
    static boolean hasCommittedBatches(org.apache.hadoop.conf.Configuration hadoop, String checkpoint)
            throws IOException {
        org.apache.hadoop.fs.Path commits = new org.apache.hadoop.fs.Path(checkpoint, "commits");
        org.apache.hadoop.fs.FileSystem fs = commits.getFileSystem(hadoop);
        return fs.exists(commits) && fs.listStatus(commits).length > 0;
    }

    /** An executor-side S3 client supplier that Spark can ship (e.g. {@code JobAwsClients::sharedS3}). */
    public interface SerializableS3 extends Supplier<S3Client>, java.io.Serializable {
    }

    static URI parse(String archive) {
        URI uri;
        try {
            uri = URI.create(archive);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--warm-start-archive must be s3://bucket/prefix/, got " + archive);
        }
        if (!"s3".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("--warm-start-archive must be s3://bucket/prefix/ (the Firehose raw"
                    + " prefix, e.g. s3://my-archive/raw/), got " + archive);
        }
        return uri;
    }

    /** Keys of the objects in the hour partitions that overlap [{@code from}, {@code to}). */
    static List<String> objectKeys(S3Client s3, String bucket, String prefix, Instant from, Instant to) {
        List<String> keys = new ArrayList<>();
        List<String> archived = new ArrayList<>();
        String base = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        for (String partition : ArchiveLayout.hourPartitions(from, to)) {
            s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(base + partition)).contents().stream()
                    .filter(o -> o.key().endsWith(ArchiveLayout.OBJECT_SUFFIX)).forEach(o -> {
                        keys.add(o.key());
                        String storage = o.storageClassAsString();
                        if ("GLACIER".equals(storage) || "DEEP_ARCHIVE".equals(storage)) {
                            archived.add(o.key());
                        }
                    });
        }
        if (!archived.isEmpty()) {
            // said here, on the driver's stderr: the tasks that skip them log where few look (YARN's container logs)
            System.err.println("warm start: " + archived.size() + " of " + keys.size() + " archive objects are in an "
                    + "archive storage class (first: s3://" + bucket + "/" + archived.get(0) + "); unless restored, "
                    + "their readings are not learnt: restore them (aws s3api restore-object) or warm start over a "
                    + "newer range");
        }
        return keys;
    }

    /** (sensorId, JSON line) of each valid reading of one object whose event time lies in [from, cut). */
    static Iterator<Tuple2<String, String>> readingsOf(S3Client s3, String bucket, String key, long from, long cut)
            throws IOException {
        java.io.InputStream object;
        try {
            object = s3.getObject(b -> b.bucket(bucket).key(key));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.awsErrorDetails() != null && "InvalidObjectState".equals(e.awsErrorDetails().errorCode())) {
                // archived by an earlier lifecycle (Glacier Flexible Retrieval): unreadable until restored, and a
                // task failing on it would fail every start of a new checkpoint
                org.slf4j.LoggerFactory.getLogger(ArchiveWarmStart.class).warn("warm start: s3://{}/{} is in an "
                        + "archive storage class and is not learnt: restore it (aws s3api restore-object) to learn "
                        + "it, or warm start over a newer range", bucket, key);
                return java.util.Collections.emptyIterator();
            }
            throw e;
        }
        return readingsOf("s3://" + bucket + "/" + key, object, from, cut);
    }

    /**
     * The readings of one archive object. A damaged object (not GZIP, or cut short) is skipped from where it breaks,
     * named in a warning: a task failing on it would fail the warm start, and so every start of a new checkpoint,
     * on every retry. Other read errors (the network) fail the task, which Spark retries.
     */
    static Iterator<Tuple2<String, String>> readingsOf(String where, java.io.InputStream object, long from, long cut)
            throws IOException {
        ReadingParser parser = ReadingParser.withoutTimeBounds();
        List<Tuple2<String, String>> out = new ArrayList<>();
        try (java.io.InputStream raw = object; // closed also when it is not GZIP at all (the open below throws)
             BufferedReader in = new BufferedReader(new InputStreamReader(ArchiveGzip.open(raw),
                     StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                ParseResult p = parser.parse(line.getBytes(StandardCharsets.UTF_8));
                if (p.isValid() && p.reading().ts() >= from && p.reading().ts() < cut) {
                    out.add(new Tuple2<>(p.reading().sensorId(), line));
                }
            }
        } catch (java.util.zip.ZipException | java.io.EOFException damaged) {
            org.slf4j.LoggerFactory.getLogger(ArchiveWarmStart.class).warn("warm start: {} is not a whole GZIP "
                    + "object ({}); its readings after the damage are not learnt ({} before it are): check how it "
                    + "was written, or remove it", where, damaged.toString(), out.size());
        }
        return out.iterator();
    }

    private static Iterator<Reading> parsed(Iterator<Tuple2<String, String>> rows) {
        ReadingParser parser = ReadingParser.withoutTimeBounds();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Reading next() {
                ParseResult p = parser.parse(rows.next()._2().getBytes(StandardCharsets.UTF_8));
                if (!p.isValid()) {
                    throw new UncheckedIOException(new IOException("archived reading no longer parses: " + p));
                }
                return p.reading();
            }
        };
    }
}
