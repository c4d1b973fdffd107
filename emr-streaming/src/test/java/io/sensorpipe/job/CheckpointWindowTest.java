package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.sensorpipe.processing.RunStarts;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointWindowTest {
    @TempDir
    Path cp;

    @Test
    void theUnfinishedBatchIsTheNewestPlannedOneWithoutACommit() throws Exception {
        CheckpointWindow window = CheckpointWindow.of(new Configuration(), cp.toString());
        assertThat(window.unfinishedBatch()).as("a new checkpoint").isEqualTo(-1);

        files("offsets", "0", "1", "2", ".2.crc", ".3.tmp");
        assertThat(window.unfinishedBatch()).as("no commit yet").isEqualTo(2);
        files("commits", "0", "1", ".1.crc");
        assertThat(window.unfinishedBatch()).isEqualTo(2);
        files("commits", "2");
        assertThat(window.unfinishedBatch()).as("every planned batch committed").isEqualTo(-1);
        files("offsets", "10");
        assertThat(window.unfinishedBatch()).as("batch ids compare as numbers").isEqualTo(10);
    }

    @Test
    void theStatePartitionsAreTheNewestPlannedBatchsAsSparkKeepsThem() throws Exception {
        CheckpointWindow window = CheckpointWindow.of(new Configuration(), cp.toString());
        assertThat(window.shufflePartitions()).as("a new checkpoint").isNull();
        Files.createDirectories(cp.resolve("offsets"));
        // Spark's offset log entry: version, metadata with the session's conf, then the sources' offsets
        Files.writeString(cp.resolve("offsets").resolve("3"), "v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1,"
                + "\"conf\":{\"spark.sql.streaming.stateStore.providerClass\":\"x\",\"spark.sql.shuffle.partitions\":\"4\"}}\n"
                + "{\"plan\":3}\n");
        assertThat(window.shufflePartitions()).isEqualTo(4);
    }

    @Test
    void eachStartIsRecordedInOrderAndATornLineIsDropped() throws Exception {
        CheckpointWindow window = CheckpointWindow.of(new Configuration(), cp.toString());
        assertThat(window.recordRunStart(2_000).of(2_500)).isEqualTo(new RunStarts.Run(2_000, 0));
        RunStarts two = window.recordRunStart(1_000);
        assertThat(two.of(1_500).start()).as("oldest first, each run by time").isEqualTo(1_000);
        assertThat(two.of(2_000).start()).isEqualTo(2_000);
        // a new start takes the watermark of the newest planned batch, which Spark restores
        Files.createDirectories(cp.resolve("offsets"));
        Files.writeString(cp.resolve("offsets").resolve("7"), "v1\n{\"batchWatermarkMs\":123456,\"batchTimestampMs\":9}\n{}\n");
        assertThat(window.recordRunStart(5_000).of(6_000)).isEqualTo(new RunStarts.Run(5_000, 123_456));
        // committed: Spark restores the watermark its commit recorded for the next batch
        Files.createDirectories(cp.resolve("commits"));
        Files.writeString(cp.resolve("commits").resolve("7"), "v1\n{\"nextBatchWatermarkMs\":200000}\n");
        assertThat(window.recordRunStart(5_500).of(6_000)).isEqualTo(new RunStarts.Run(5_500, 200_000));
        Files.writeString(cp.resolve(CheckpointWindow.RUN_STARTS), "1000 0\n2000 0\n30"); // "3000 0\n" cut short
        Files.deleteIfExists(cp.resolve("." + CheckpointWindow.RUN_STARTS + ".crc"));
        RunStarts afterTorn = window.recordRunStart(4_000);
        assertThat(afterTorn.size()).isEqualTo(3);
        try (var files = Files.list(cp)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".tmp"))).as("no temp file left").isEmpty();
        }
        assertThat(afterTorn.of(3_500).start()).isEqualTo(2_000);
        for (int i = 0; i < 200; i++) {
            window.recordRunStart(10_000 + i);
        }
        RunStarts kept = window.recordRunStart(99_999);
        assertThat(kept.size()).isEqualTo(100);
        assertThat(kept.of(Long.MAX_VALUE).start()).isEqualTo(99_999);
    }

    @Test
    void theRecordedWindowIsTheLastOneWrittenAndNoneWhenAbsentOrTorn() throws Exception {
        CheckpointWindow window = CheckpointWindow.of(new Configuration(), cp.toString());
        assertThat(window.recorded()).isNull();
        window.record(Duration.ofSeconds(10));
        window.record(Duration.ofSeconds(15));
        assertThat(window.recorded()).isEqualTo(Duration.ofSeconds(15));
        Files.writeString(cp.resolve(CheckpointWindow.FILE), "150"); // of "15000\n"
        assertThat(window.recorded()).as("a write cut short, its checksum file not matching").isNull();
        Files.delete(cp.resolve("." + CheckpointWindow.FILE + ".crc"));
        assertThat(window.recorded()).as("a write cut short, no checksum file").isNull();
    }

    @Test
    void theRecordedSettingsAreTheLastOnesWrittenAndNoneWhenAbsentOrTorn() throws Exception {
        CheckpointWindow window = CheckpointWindow.of(new Configuration(), cp.toString());
        assertThat(window.recordedSettings()).as("a new checkpoint, or one of an older release").isNull();
        window.record(new CheckpointWindow.Settings(30_000, 3_600_000, 60_000, 388));
        window.record(new CheckpointWindow.Settings(10_000, 7_200_000, 600_000, 64));
        assertThat(window.recordedSettings()).isEqualTo(new CheckpointWindow.Settings(10_000, 7_200_000, 600_000, 64));
        // a release without the settings file started the checkpoint since (a rollback): its window file is newer
        window.record(Duration.ofSeconds(20));
        Files.setLastModifiedTime(cp.resolve(CheckpointWindow.FILE),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        assertThat(window.recordedSettings()).as("older than the window a later start recorded").isNull();
        window.record(new CheckpointWindow.Settings(10_000, 7_200_000, 600_000, 64));
        Files.setLastModifiedTime(cp.resolve(CheckpointWindow.SETTINGS),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 20_000));
        assertThat(window.recordedSettings()).as("this release's next start").isNotNull();
        java.nio.file.attribute.FileTime sameSecond = java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 40_000);
        Files.setLastModifiedTime(cp.resolve(CheckpointWindow.FILE), sameSecond);
        Files.setLastModifiedTime(cp.resolve(CheckpointWindow.SETTINGS), sameSecond);
        assertThat(window.recordedSettings()).as("both written in one second (S3's precision): the same start")
                .isNotNull();
        Files.writeString(cp.resolve(CheckpointWindow.SETTINGS), "10000 7200000 600");
        Files.deleteIfExists(cp.resolve("." + CheckpointWindow.SETTINGS + ".crc"));
        Files.setLastModifiedTime(cp.resolve(CheckpointWindow.SETTINGS),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 30_000));
        assertThat(window.recordedSettings()).as("cut short").isNull();
    }

    @Test
    void anUnfinishedBatchIsFinishedWithEverySettingItWasPlannedWith() {
        JobConfig now = new JobConfig("s", "t", cp.toString(), "b", "dead-letters/", null, Duration.ofSeconds(10),
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(2), "sensorpipe-kinesis",
                "TRIM_HORIZON", 0, 10_000, 2, 30, 64, null, null, Duration.ZERO, "local[2]", false,
                Duration.ofMinutes(10));
        assertThat(now.asPlanned(null, null)).as("nothing recorded: as Spark would").isEqualTo(now);
        assertThat(now.asPlanned(Duration.ofSeconds(10), CheckpointWindow.Settings.of(now))).isEqualTo(now);
        JobConfig planned = now.asPlanned(Duration.ofSeconds(15),
                new CheckpointWindow.Settings(30_000, 3_600_000, 60_000, 388));
        assertThat(planned.windowSize()).isEqualTo(Duration.ofSeconds(15));
        assertThat(planned.watermarkDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(planned.idleTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(planned.maxFutureSkew()).isEqualTo(Duration.ofMinutes(1));
        assertThat(planned.warmupWindows()).isEqualTo(388);
        assertThat(planned.checkpoint()).isEqualTo(now.checkpoint());
        assertThat(planned.settingsChangedTo(now)).isEqualTo("--window PT15S -> PT10S, --watermark PT30S -> PT5S, "
                + "--idle-timeout PT1H -> PT2H, --max-future-skew PT1M -> PT10M, --warmup-windows 388 -> 64");
    }

    @Test
    void aCheckpointOfOurSourceIsToldFromOneOfAnotherSource() throws Exception {
        CheckpointWindow window = CheckpointWindow.of(new Configuration(), cp.toString());
        assertThat(window.writtenByOurSource()).as("a new checkpoint").isFalse();
        Files.createDirectories(cp.resolve("offsets"));
        String ours = new io.sensorpipe.kinesis.KinesisOffset("TRIM_HORIZON", 3, null, null, java.util.List.of(),
                java.util.Map.of()).json();
        Files.writeString(cp.resolve("offsets/0"), "v1\n{\"batchWatermarkMs\":0}\n" + ours);
        assertThat(window.writtenByOurSource()).isTrue();
        Files.writeString(cp.resolve("offsets/1"), "v1\n{\"batchWatermarkMs\":0}\n"
                + "{\"metadata\":{\"streamName\":\"s\",\"batchId\":\"1\"},\"shardId-000000000000\":{}}");
        assertThat(window.writtenByOurSource()).as("the newest entry decides: another source's").isFalse();
    }

    private void files(String dir, String... names) throws Exception {
        Files.createDirectories(cp.resolve(dir));
        for (String name : names) {
            Files.writeString(cp.resolve(dir).resolve(name), "v1");
        }
    }
}
