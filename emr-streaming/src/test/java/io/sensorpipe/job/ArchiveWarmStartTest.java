package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorpipe.kinesis.KinesisApi;
import io.sensorpipe.kinesis.KinesisSourceProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveWarmStartTest {
    private static JobConfig config(String initialPosition, long atTimestamp) {
        return new JobConfig("s", "t", "runs/cp", "b", "dead-letters/", null, Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(1), KinesisSourceProvider.SHORT_NAME,
                initialPosition, atTimestamp, 10_000, 2, 30, 388, null, null, Duration.ZERO, "local[2]", false,
                JobConfig.DEFAULT_MAX_FUTURE_SKEW);
    }

    @Test
    void aDamagedArchiveObjectGivesTheReadingsBeforeTheDamageAndDoesNotFailTheWarmStart() throws Exception {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(body)) {
            for (int i = 0; i < 2_000; i++) {
                gz.write(io.sensorpipe.schema.Reading.of("site-a/s" + (i % 7), "temperature", "site-a",
                        1_000_000L + i, Math.sin(i) * 1e6, "C").toJsonBytes());
                gz.write('\n');
            }
        }
        byte[] whole = body.toByteArray();
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2); // an upload cut short
        java.util.List<scala.Tuple2<String, String>> read = new java.util.ArrayList<>();
        ArchiveWarmStart.readingsOf("s3://b/raw/x.gz", new java.io.ByteArrayInputStream(cut), 0, Long.MAX_VALUE)
                .forEachRemaining(read::add);
        assertThat(read).isNotEmpty().hasSizeLessThan(2_000);
        java.util.List<scala.Tuple2<String, String>> garbage = new java.util.ArrayList<>();
        ArchiveWarmStart.readingsOf("s3://b/raw/y.gz", new java.io.ByteArrayInputStream(
                "not gzip at all".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, Long.MAX_VALUE)
                .forEachRemaining(garbage::add);
        assertThat(garbage).isEmpty();
        java.util.List<scala.Tuple2<String, String>> all = new java.util.ArrayList<>();
        ArchiveWarmStart.readingsOf("s3://b/raw/z.gz", new java.io.ByteArrayInputStream(whole), 0, Long.MAX_VALUE)
                .forEachRemaining(all::add);
        assertThat(all).hasSize(2_000);
    }

    @Test
    void theArchiveStopsWhereTheStreamStarts() {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");
        Supplier<KinesisApi.Retention> unused = () -> {
            throw new AssertionError("only TRIM_HORIZON asks the stream for its retention");
        };
        assertThat(StreamingJobMain.warmStartCut(config("LATEST", 0), now, unused)).isEqualTo(now);
        assertThat(StreamingJobMain.warmStartCut(config("AT_TIMESTAMP", 1_000_000L), now, unused))
                .isEqualTo(Instant.ofEpochMilli(1_000_000L));
    }

    @Test
    void fromTheTrimHorizonTheArchiveTeachesWhatTheStreamNoLongerHolds() {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");
        long day = Duration.ofDays(1).toMillis();
        // an old stream: the archive stops where the retention starts
        assertThat(StreamingJobMain.warmStartCut(config("TRIM_HORIZON", 0), now,
                () -> new KinesisApi.Retention(day, 0))).isEqualTo(now.minus(Duration.ofDays(1)));
        // a stream younger than its retention holds everything since its creation
        Instant created = now.minus(Duration.ofHours(3));
        assertThat(StreamingJobMain.warmStartCut(config("TRIM_HORIZON", 0), now,
                () -> new KinesisApi.Retention(day, created.toEpochMilli()))).isEqualTo(created);
    }

    @Test
    void aCheckpointThatCommittedABatchIsNotWarmStartedAgain(@TempDir Path tmp) throws Exception {
        org.apache.hadoop.conf.Configuration hadoop = new org.apache.hadoop.conf.Configuration();
        Path cp = tmp.resolve("cp");
        assertThat(ArchiveWarmStart.hasCommittedBatches(hadoop, cp.toString())).isFalse(); // new checkpoint
        Files.createDirectories(cp.resolve("commits"));
        assertThat(ArchiveWarmStart.hasCommittedBatches(hadoop, cp.toString())).isFalse(); // started, nothing committed
        Files.writeString(cp.resolve("commits").resolve("0"), "v1\n{}");
        assertThat(ArchiveWarmStart.hasCommittedBatches(hadoop, cp.toString())).isTrue();
    }

    @Test
    void aRestartBeforeTheFirstCommitTrainsUpToTheFirstAttemptsCut(@TempDir Path tmp) throws Exception {
        org.apache.hadoop.conf.Configuration hadoop = new org.apache.hadoop.conf.Configuration();
        String cp = tmp.resolve("cp").toString();
        Instant first = Instant.parse("2026-12-04T10:00:00Z");
        assertThat(ArchiveWarmStart.firstAttemptCut(hadoop, cp, first)).isEqualTo(first);
        // LATEST recomputed an hour later: the re-run batch 0 still starts the stream at the first attempt's time
        assertThat(ArchiveWarmStart.firstAttemptCut(hadoop, cp, first.plusSeconds(3_600))).isEqualTo(first);
        Files.writeString(tmp.resolve("cp").resolve("warm-start-cut"), "17649xx"); // damaged while written
        assertThat(ArchiveWarmStart.firstAttemptCut(hadoop, cp, first.plusSeconds(60))).isEqualTo(first.plusSeconds(60));
    }

    @Test
    void theArchiveIsAnS3PrefixAndABadOneIsNamed() {
        assertThat(ArchiveWarmStart.parse("s3://archive/raw/").getHost()).isEqualTo("archive");
        assertThatThrownBy(() -> ArchiveWarmStart.parse("/local/raw")).hasMessageContaining("s3://bucket/prefix/");
        assertThatThrownBy(() -> ArchiveWarmStart.parse("s3:// bad")).hasMessageContaining("s3://bucket/prefix/");
    }
}
