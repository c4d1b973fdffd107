package io.sensorpipe.processing;

import io.sensorpipe.hadoop.JobHadoopConf;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a sensor's model snapshot lives. Spark 3.5 keeps one state row per sensor and writes it whole in every batch
 * in which the sensor has a reading, so a snapshot kept in the row (≈45 KB for the default forest) was written to the
 * state store about every batch although it changes once per 16–32 windows ({@link SensorStateFunction}).
 * {@link #files} writes each snapshot once, as an immutable file named by the model's window count and checksum
 * under the job's checkpoint, and the row keeps a 35-byte reference: state bytes follow the change. {@link #inline}
 * keeps the snapshot in the row (unit tests). Rows that hold a snapshot inline (earlier releases, warm-start rows)
 * are read by both.
 *
 * <p>Never wedges: a reference whose file is missing, damaged or another sensor's fails {@link #load}, which the
 * state step treats as any snapshot it cannot restore (a fresh model, counted in {@code modelResets}); a file that
 * exists but cannot be read now fails the task ({@link Unavailable}: Spark retries it, the model is kept); a file
 * that cannot be written leaves the snapshot inline in the row. A file is written once and never changed. A row
 * names a sensor's current and previous snapshot; the one before is deleted when a new one is written (the row a
 * re-run batch starts from names the two it needs); a checkpoint rolled back further by hand resets those models.
 */
public abstract class ModelStore implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final byte[] REF_MAGIC = {'M', 'R'};
    private static final byte[] FILE_MAGIC = {'M', 'S'};
    private static final int VERSION = 1;
    /** 'M' 'R', version, then the current and the previous snapshot: window count (8), CRC-32 (4), length (4). */
    private static final int REF_BYTES = 3 + 2 * 16;
    private static final long NONE = -1;
    /** 'M' 'S', version, length of the sensor id (4); then the id and the snapshot. */
    private static final int FILE_HEADER = 3 + 4;
    /** Snapshot bytes this JVM wrote to model files (the benchmark adds them to the state bytes it reports). */
    public static final AtomicLong FILE_BYTES_WRITTEN = new AtomicLong();

    /**
     * What the state row of sensor {@code key} keeps for {@code snapshot} (its model after {@code windowsSeen}
     * windows); {@code previousRow}: what the row kept before, or null.
     */
    abstract byte[] keep(String key, long windowsSeen, byte[] snapshot, byte[] previousRow);

    /**
     * The snapshot that {@code row} (what {@link #keep} returned, or an inline snapshot) stands for.
     *
     * @throws IllegalStateException when a referenced file is missing, damaged or not the one referenced (says
     *                               which and why): the model is reset
     * @throws Unavailable           when a referenced file exists but cannot be read now: the task fails and is retried
     */
    abstract byte[] load(String key, byte[] row);

    /** Deletes what {@code row} refers to: sensor {@code key} is forgotten (its state row is removed). */
    abstract void forget(String key, byte[] row);

    /** Snapshots stay in the state row. */
    public static ModelStore inline() {
        return new Inline();
    }

    /** Snapshots as files under {@code dir} (any Hadoop file system: local, HDFS, S3), read with the job's conf. */
    public static ModelStore files(SparkSession spark, String dir) {
        return new FileModels(dir, JobHadoopConf.broadcast(spark.sparkContext()));
    }

    /** Snapshots as files under {@code dir}, with the Hadoop configuration {@code conf} gives on the executor. */
    static ModelStore files(String dir, JobHadoopConf conf) {
        return new FileModels(dir, conf);
    }

    /** The folder of a job's model files: beside its Spark state, in its checkpoint (deleted with it). */
    public static String dirFor(String checkpoint) {
        return checkpoint.replaceAll("/+$", "") + "/models";
    }

    /** Whether {@code row} is a reference to a file (else an inline snapshot). */
    static boolean isReference(byte[] row) {
        return row != null && row.length == REF_BYTES && row[0] == REF_MAGIC[0] && row[1] == REF_MAGIC[1];
    }

    private static final class Inline extends ModelStore {
        private static final long serialVersionUID = 1L;

        @Override
        byte[] keep(String key, long windowsSeen, byte[] snapshot, byte[] previousRow) {
            return snapshot;
        }

        @Override
        byte[] load(String key, byte[] row) {
            if (isReference(row)) {
                throw new IllegalStateException("the row refers to a model file, but this job keeps models inline");
            }
            return row;
        }

        @Override
        void forget(String key, byte[] row) {
        }
    }

    static final class FileModels extends ModelStore {
        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
        private final String dir;
        private final JobHadoopConf conf;
        private transient FileSystem fs;

        FileModels(String dir, JobHadoopConf conf) {
            this.dir = dir;
            this.conf = conf;
        }

        /** One snapshot a reference names: window count, CRC-32, length; {@code seen == NONE} for none. */
        private record Named(long seen, int crc, int length) {
            boolean is(long otherSeen, int otherCrc) {
                return seen != NONE && seen == otherSeen && crc == otherCrc;
            }
        }

        /** The current [0] and previous [1] snapshot of a reference; none when the row holds no reference. */
        private static Named[] named(byte[] row) {
            if (!isReference(row)) {
                return new Named[] {new Named(NONE, 0, 0), new Named(NONE, 0, 0)};
            }
            if (row[2] != VERSION) {
                throw new IllegalStateException("model reference version " + row[2] + " is not readable here");
            }
            ByteBuffer b = ByteBuffer.wrap(row, 3, REF_BYTES - 3);
            return new Named[] {new Named(b.getLong(), b.getInt(), b.getInt()),
                    new Named(b.getLong(), b.getInt(), b.getInt())};
        }

        @Override
        byte[] keep(String key, long windowsSeen, byte[] snapshot, byte[] previousRow) {
            CRC32 crc = new CRC32();
            crc.update(snapshot);
            int checksum = (int) crc.getValue();
            Named[] before;
            try {
                before = named(previousRow);
            } catch (IllegalStateException e) {
                before = named(null); // a reference of a newer release: its files are not ours to delete
            }
            if (before[0].is(windowsSeen, checksum)) {
                return previousRow; // the snapshot the row already names (same window count, same bytes)
            }
            Path path = path(key, windowsSeen, checksum);
            try {
                write(path, key, snapshot);
            } catch (IOException | RuntimeException e) {
                LOG.warn("sensor {}: model file {} not written ({}); its snapshot stays in the state row", key, path,
                        e.toString());
                return snapshot;
            }
            FILE_BYTES_WRITTEN.addAndGet(snapshot.length);
            // Two back is no longer named by the row this batch commits, nor by the committed one a re-run starts
            // from (that one names the current and the previous): safe to delete.
            Named older = before[1];
            if (older.seen() != NONE && !older.is(windowsSeen, checksum)
                    && !older.is(before[0].seen(), before[0].crc())) {
                delete(path(key, older.seen(), older.crc()));
            }
            return ByteBuffer.allocate(REF_BYTES).put(REF_MAGIC).put((byte) VERSION)
                    .putLong(windowsSeen).putInt(checksum).putInt(snapshot.length)
                    .putLong(before[0].seen()).putInt(before[0].crc()).putInt(before[0].length()).array();
        }

        /**
         * Writes the file once: a file of that name already holds these bytes (its name is the window count and the
         * bytes' CRC, and {@link #load} checks both), so a re-run or a duplicate task attempt leaves it alone rather
         * than truncating what a committed row may name.
         */
        private void write(Path path, String key, byte[] snapshot) throws IOException {
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            // the sensor is in the file too, so a file is never restored as another sensor's model
            byte[] header = ByteBuffer.allocate(FILE_HEADER + keyBytes.length).put(FILE_MAGIC).put((byte) VERSION)
                    .putInt(keyBytes.length).put(keyBytes).array();
            java.nio.file.Path local = localFile(path);
            if (local != null) {
                if (Files.exists(local)) {
                    return;
                }
                Files.createDirectories(local.getParent());
                java.nio.file.Path tmp = local.resolveSibling(local.getFileName() + "." + UUID.randomUUID() + ".tmp");
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    out.write(header);
                    out.write(snapshot);
                }
                Files.move(tmp, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return;
            }
            try (OutputStream out = fs(path).create(path, false)) {
                out.write(header);
                out.write(snapshot);
            } catch (FileAlreadyExistsException exists) {
                // written by an earlier attempt: the same bytes
            }
        }

        @Override
        byte[] load(String key, byte[] row) {
            if (!isReference(row)) {
                return row;
            }
            Named current = named(row)[0];
            Path path = path(key, current.seen(), current.crc());
            byte[] file;
            try {
                java.nio.file.Path local = localFile(path);
                if (local != null) {
                    file = Files.readAllBytes(local);
                } else {
                    try (InputStream in = fs(path).open(path)) {
                        file = in.readAllBytes();
                    }
                }
            } catch (FileNotFoundException | NoSuchFileException e) {
                throw new IllegalStateException("model file " + path + " is missing", e);
            } catch (IOException e) {
                // not the model's fault (a throttled or unreachable store): fail the task so Spark retries it,
                // instead of resetting a model that is fine
                throw new Unavailable("model file " + path + " cannot be read now (" + e + ")", e);
            }
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            int header = FILE_HEADER + keyBytes.length;
            if (file.length < FILE_HEADER || file[0] != FILE_MAGIC[0] || file[1] != FILE_MAGIC[1]
                    || file[2] != VERSION) {
                throw new IllegalStateException("model file " + path + " is not a model file of this release");
            }
            int storedKeyLength = ByteBuffer.wrap(file, 3, 4).getInt();
            if (storedKeyLength < 0 || storedKeyLength > file.length - FILE_HEADER) {
                throw new IllegalStateException("model file " + path + " is damaged (sensor id length "
                        + storedKeyLength + ")");
            }
            String stored = new String(file, FILE_HEADER, storedKeyLength, StandardCharsets.UTF_8);
            if (!stored.equals(key)) {
                throw new IllegalStateException("model file " + path + " holds sensor " + stored + ", not " + key);
            }
            if (file.length != header + current.length()) {
                throw new IllegalStateException("model file " + path + " is not the snapshot the row refers to ("
                        + file.length + " bytes, expected " + (header + current.length()) + ")");
            }
            CRC32 crc = new CRC32();
            crc.update(file, header, current.length());
            if ((int) crc.getValue() != current.crc()) {
                throw new IllegalStateException("model file " + path + " is damaged (checksum differs)");
            }
            byte[] snapshot = new byte[current.length()];
            System.arraycopy(file, header, snapshot, 0, current.length());
            return snapshot;
        }

        @Override
        void forget(String key, byte[] row) {
            Named[] named;
            try {
                named = named(row);
            } catch (IllegalStateException e) {
                return;
            }
            for (Named n : named) {
                if (n.seen() != NONE) {
                    delete(path(key, n.seen(), n.crc()));
                }
            }
        }

        private void delete(Path path) {
            try {
                java.nio.file.Path local = localFile(path);
                if (local != null) {
                    Files.deleteIfExists(local);
                } else {
                    fs(path).delete(path, false);
                }
            } catch (IOException | RuntimeException e) {
                // not fatal (the file is only left behind), but a store that refuses deletes should be seen
                LOG.warn("model file {} not deleted ({}); it is left behind", path, e.toString());
            }
        }

        /**
         * The local file for {@code path} on a local file system, else null. Hadoop's local file system runs a
         * {@code chmod} process for every file it creates (and writes a checksum file beside it), which made a
         * snapshot cost more than the state bytes it saves; local files are written directly, atomically.
         */
        private java.nio.file.Path localFile(Path path) throws IOException {
            return fs(path) instanceof LocalFileSystem local ? local.pathToFile(path).toPath() : null;
        }

        private FileSystem fs(Path path) throws IOException {
            if (fs == null) {
                fs = path.getFileSystem(conf.get());
            }
            return fs;
        }

        /** {@code dir/<2 hex>/<sensor hash>/<windowsSeen>-<crc>.model}: a sensor's files in one folder. */
        Path path(String key, long windowsSeen, int checksum) {
            String hash = sha256Hex(key);
            return new Path(dir + "/" + hash.substring(0, 2) + "/" + hash.substring(0, 32) + "/" + windowsSeen + "-"
                    + HexFormat.of().toHexDigits(checksum) + ".model");
        }
    }

    /**
     * A model file that exists but cannot be read now (a throttled or unreachable store): the task fails and Spark
     * retries it; the model is not reset.
     */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    ModelStore() {
    }
}
