package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    private void files(String dir, String... names) throws Exception {
        Files.createDirectories(cp.resolve(dir));
        for (String name : names) {
            Files.writeString(cp.resolve(dir).resolve(name), "v1");
        }
    }
}
