package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.contract.JobOptions;
import io.sensorpipe.schema.ReadingCodec;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A flood of large poison records against a job whose JVM (driver and, in local mode, executors) has 1 GiB: every
 * record is dead-lettered and the job stays alive. The dead letters go out from the tasks, spread over groups, and
 * only counters come back to the driver, so its memory does not grow with the flood.
 *
 * <p>{@value #RECORDS} records of 900 KB, scaled down from the 2,000: kinesis-mock keeps every record in
 * the memory of one Node process shared by everyone's tests on this machine, and a run with 200 such records
 * (180 MB) ended with that process gone. Raise it (and {@code -Xmx1g} stays) where the stream is real.
 */
class PoisonFloodIT {
    static final int RECORDS = 30;
    private static final int SIZE = 900 * 1024;

    @TempDir
    Path tmp;

    @Test
    void everyOversizedPoisonRecordIsDeadLetteredAndTheJobStaysAlive() throws Exception {
        try (LocalCloudFixture cloud = new LocalCloudFixture(2)) {
            byte[] poison = new byte[SIZE];
            Arrays.fill(poison, (byte) '{'); // not JSON: MALFORMED_JSON
            for (int i = 0; i < RECORDS; i++) {
                String key = "poison-" + i;
                cloud.kinesis.putRecord(b -> b.streamName(cloud.stream).partitionKey(key)
                        .data(SdkBytes.fromByteArray(poison)));
            }
            Path metrics = tmp.resolve("metrics.json");
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx1g");
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                        || a.startsWith("-Djdk.reflect")) {
                    cmd.add(a);
                }
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), JobOptions.MAIN_CLASS,
                    JobOptions.STREAM, cloud.stream, JobOptions.TABLE, cloud.table,
                    JobOptions.CHECKPOINT, tmp.resolve("cp").toString(),
                    JobOptions.DEAD_LETTER_BUCKET, cloud.bucket, JobOptions.WINDOW, "10s", JobOptions.TRIGGER, "2s",
                    JobOptions.MAX_RECORDS_PER_SHARD, "4", JobOptions.SHUFFLE_PARTITIONS, "4",
                    JobOptions.METRICS_FILE, metrics.toString(), JobOptions.DURATION, "5m"));
            Process job = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("job.log").toFile()).start();
            try {
                long deadline = System.currentTimeMillis() + 240_000;
                long dead = 0;
                while (System.currentTimeMillis() < deadline && job.isAlive() && dead < RECORDS) {
                    Thread.sleep(2_000);
                    dead = deadLettered(metrics);
                }
                assertThat(job.isAlive()).as("job alive (log: " + tmp.resolve("job.log") + ")\n" + tail(tmp))
                        .isTrue();
                assertThat(dead).isEqualTo(RECORDS);
                assertThat(countLines(cloud)).as("dead-letter lines in S3").isEqualTo(RECORDS);
                assertThat(tail(tmp)).doesNotContain("OutOfMemoryError");
            } finally {
                job.destroy();
                job.waitFor();
            }
        }
    }

    private static long deadLettered(Path metrics) {
        try {
            if (!Files.exists(metrics)) {
                return 0;
            }
            Map<?, ?> m = ReadingCodec.MAPPER.readValue(metrics.toFile(), Map.class);
            return ((Number) m.get("deadLettered")).longValue();
        } catch (Exception e) {
            return 0; // replaced while read
        }
    }

    /** Newline count of every dead-letter object, streamed (never a whole object in memory). */
    private static long countLines(LocalCloudFixture cloud) throws Exception {
        long lines = 0;
        for (S3Object o : cloud.cloud.s3().listObjectsV2Paginator(b -> b.bucket(cloud.bucket)).contents()) {
            try (InputStream in = cloud.cloud.s3().getObject(b -> b.bucket(cloud.bucket).key(o.key()))) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    for (int i = 0; i < n; i++) {
                        lines += buf[i] == '\n' ? 1 : 0;
                    }
                }
            }
        }
        return lines;
    }

    private static String tail(Path tmp) {
        try {
            List<String> lines = Files.readAllLines(tmp.resolve("job.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (Exception e) {
            return "";
        }
    }
}
