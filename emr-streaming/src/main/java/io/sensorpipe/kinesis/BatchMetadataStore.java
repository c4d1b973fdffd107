package io.sensorpipe.kinesis;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorpipe.hadoop.JobHadoopConf;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Per-(plan, shard) results under the query's checkpoint ({@code <checkpoint>/sources/N/kinesis/<plan>/<shard>}),
 * written by the executor that read the shard. A file appears whole or not at all (written to a temporary name,
 * then renamed), and the first result written for a (plan, shard) wins: a task re-run after a crash finds it and
 * reads exactly the records of the first attempt. Any Hadoop file system works (local, HDFS, S3 on EMR).
 */
public final class BatchMetadataStore implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Plans kept behind the newest: only the current and the previous plan are ever read again. */
    static final int KEEP_PLANS = 20;

    private final String dir;
    /** The job's Hadoop configuration (the driver plans, executors store results), or null for Hadoop's defaults. */
    private final JobHadoopConf conf;

    /** A store on Hadoop's default configuration (tools and tests; EMR's file systems are configured there too). */
    public BatchMetadataStore(String dir) {
        this(dir, null);
    }

    /** A store that reaches {@code dir} with the job's configuration, as Spark's own checkpoint files do. */
    public BatchMetadataStore(String dir, JobHadoopConf conf) {
        this.dir = dir;
        this.conf = conf;
    }

    public String dir() {
        return dir;
    }

    private Path path(long plan, String shardId) {
        return new Path(new Path(dir, Long.toString(plan)), shardId + ".json");
    }

    /** Hadoop's Configuration parses its XML resources when created: once per JVM, not per file. */
    private static volatile Configuration defaults;

    private transient volatile FileSystem fileSystem;

    private FileSystem fs() throws IOException {
        FileSystem f = fileSystem;
        if (f == null) {
            Configuration c = conf == null ? null : conf.get();
            if (c == null) {
                c = defaults;
                if (c == null) {
                    c = new Configuration();
                    defaults = c;
                }
            }
            f = new Path(dir).getFileSystem(c);
            fileSystem = f;
        }
        return f;
    }

    public Optional<ShardBatchResult> get(long plan, String shardId) {
        Path p = path(plan, shardId);
        try (InputStream in = fs().open(p)) {
            return Optional.of(JSON.readValue(in, ShardBatchResult.class));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + p, e);
        }
    }

    /** Stores {@code result} unless a result for (plan, shard) exists; returns the one that is stored. */
    public ShardBatchResult putIfAbsent(long plan, String shardId, ShardBatchResult result) {
        Optional<ShardBatchResult> existing = get(plan, shardId);
        if (existing.isPresent()) {
            return existing.get();
        }
        Path target = path(plan, shardId);
        Path tmp = new Path(target.getParent(), "." + shardId + "." + UUID.randomUUID() + ".tmp");
        try {
            FileSystem fs = fs();
            fs.mkdirs(target.getParent());
            try (OutputStream out = fs.create(tmp, false)) {
                out.write(JSON.writeValueAsBytes(result));
            }
            if (!fs.rename(tmp, target)) {
                fs.delete(tmp, false);
                return get(plan, shardId).orElseThrow(() -> new IOException("could not store " + target));
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + target, e);
        }
    }

    private static final String IDENTITY_PREFIX = "stream-";

    /**
     * The stream this checkpoint's positions belong to, or empty when no release that records it ran on it. Each
     * record is its own file ({@code stream-<sincePlan>.json}), the newest readable one counts: a record is never
     * replaced in place, so a driver that dies while writing leaves the previous one.
     */
    public Optional<StreamIdentity> streamIdentity() {
        Path root = new Path(dir);
        try {
            FileSystem fs = fs();
            if (!fs.exists(root)) {
                return Optional.empty();
            }
            StreamIdentity newest = null;
            for (FileStatus f : fs.listStatus(root)) {
                String name = f.getPath().getName();
                if (!name.startsWith(IDENTITY_PREFIX) || !name.endsWith(".json")) {
                    continue;
                }
                try (InputStream in = fs.open(f.getPath())) {
                    StreamIdentity id = JSON.readValue(in, StreamIdentity.class);
                    if (newest == null || id.sincePlan() > newest.sincePlan()) {
                        newest = id;
                    }
                } catch (IOException unreadable) {
                    // written whole then renamed, so only a foreign file; the others decide
                }
            }
            return Optional.ofNullable(newest);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the stream record in " + root, e);
        }
    }

    /** Records the checkpoint's stream from plan {@code identity.sincePlan()} on; older records are then removed. */
    public void putStreamIdentity(StreamIdentity identity) {
        Path target = new Path(dir, IDENTITY_PREFIX + identity.sincePlan() + ".json");
        Path tmp = new Path(dir, "." + IDENTITY_PREFIX + UUID.randomUUID() + ".tmp");
        try {
            FileSystem fs = fs();
            fs.mkdirs(new Path(dir));
            try (OutputStream out = fs.create(tmp, false)) {
                out.write(JSON.writeValueAsBytes(identity));
            }
            // Only a record of the same plan is replaced (plan 0: nothing read yet, so nothing rests on it).
            fs.delete(target, false);
            if (!fs.rename(tmp, target)) {
                fs.delete(tmp, false);
                throw new IOException("could not rename " + tmp + " to " + target);
            }
            for (FileStatus f : fs.listStatus(new Path(dir))) {
                String name = f.getPath().getName();
                if (name.startsWith(IDENTITY_PREFIX) && name.endsWith(".json") && !name.equals(target.getName())) {
                    fs.delete(f.getPath(), false);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + target, e);
        }
    }

    /** Removes plans older than {@code plan - KEEP_PLANS} (best effort: they are never read again). */
    public void purgeBefore(long plan) {
        try {
            FileSystem fs = fs();
            Path root = new Path(dir);
            if (!fs.exists(root)) {
                return;
            }
            for (FileStatus s : fs.listStatus(root)) {
                try {
                    if (Long.parseLong(s.getPath().getName()) < plan - KEEP_PLANS) {
                        fs.delete(s.getPath(), true);
                    }
                } catch (NumberFormatException ignored) {
                    // not ours
                }
            }
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(BatchMetadataStore.class).warn("purging {}: {}", dir, e.toString());
        }
    }
}
