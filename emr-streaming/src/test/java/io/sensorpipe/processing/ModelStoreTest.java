package io.sensorpipe.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    private static final String SENSOR = "site-a/pump-7/temperature";

    @TempDir
    Path dir;

    private ModelStore files() {
        return ModelStore.files(dir.toString(), Configuration::new);
    }

    private static byte[] snapshot(int seed) {
        byte[] b = new byte[45_000];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    private List<Path> modelFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".model")).toList();
        }
    }

    @Test
    void theRowKeepsASmallReferenceAndTheSnapshotComesBackFromItsFile() throws Exception {
        ModelStore store = files();
        byte[] snapshot = snapshot(1);

        byte[] row = store.keep(SENSOR, 388, snapshot, null);

        assertThat(row).hasSize(35);
        assertThat(ModelStore.isReference(row)).isTrue();
        assertThat(store.load(SENSOR, row)).isEqualTo(snapshot);
        assertThat(modelFiles()).singleElement().satisfies(p -> assertThat(p.getFileName().toString())
                .startsWith("388-"));
    }

    @Test
    void aRowWithTheSnapshotInlineIsReadAsItIs() {
        byte[] inline = snapshot(2); // an earlier release's row, or a warm-start row
        assertThat(files().load(SENSOR, inline)).isSameAs(inline);
        assertThat(ModelStore.inline().load(SENSOR, inline)).isSameAs(inline);
        assertThat(ModelStore.inline().keep(SENSOR, 1, inline, null)).isSameAs(inline);
    }

    @Test
    void onlyTheCurrentAndThePreviousSnapshotFilesAreKept() throws Exception {
        ModelStore store = files();
        byte[] row = null;
        for (int i = 1; i <= 5; i++) {
            row = store.keep(SENSOR, 388 + 20L * i, snapshot(i), row);
        }
        assertThat(modelFiles()).extracting(p -> p.getFileName().toString().split("-")[0])
                .containsExactlyInAnyOrder("468", "488");
        assertThat(store.load(SENSOR, row)).isEqualTo(snapshot(5));
    }

    @Test
    void rewritingTheSameSnapshotInAReRunBatchKeepsItsFile() throws Exception {
        ModelStore store = files();
        byte[] first = store.keep(SENSOR, 400, snapshot(1), null);
        byte[] second = store.keep(SENSOR, 420, snapshot(2), first);
        // the batch that wrote `second` failed; its re-run starts from `first` and writes the same snapshot again
        byte[] again = store.keep(SENSOR, 420, snapshot(2), first);
        assertThat(again).isEqualTo(second);
        assertThat(store.load(SENSOR, first)).isEqualTo(snapshot(1));
        assertThat(store.load(SENSOR, again)).isEqualTo(snapshot(2));
    }

    @Test
    void aMissingDamagedOrForeignFileFailsLoadNamingTheFileSoTheModelIsReset() throws Exception {
        ModelStore store = files();
        byte[] row = store.keep(SENSOR, 400, snapshot(1), null);
        Path file = modelFiles().get(0);

        assertThatThrownBy(() -> store.load("site-b/other", row)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("missing");
        // another sensor's file where this sensor's should be
        Path foreign = Path.of(((ModelStore.FileModels) store).path("site-b/other", 400,
                (int) crc(snapshot(1))).toUri().getPath());
        Files.createDirectories(foreign.getParent());
        Files.copy(file, foreign);
        assertThatThrownBy(() -> store.load("site-b/other", row)).hasMessageContaining("holds sensor " + SENSOR);
        byte[] damaged = Files.readAllBytes(file);
        damaged[damaged.length - 1] ^= 1;
        Files.write(file, damaged);
        assertThatThrownBy(() -> store.load(SENSOR, row)).hasMessageContaining("damaged");
        Files.delete(file);
        assertThatThrownBy(() -> store.load(SENSOR, row)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.getFileName().toString()).hasMessageContaining("missing");
        assertThatThrownBy(() -> ModelStore.inline().load(SENSOR, row)).hasMessageContaining("inline");
    }

    private static long crc(byte[] b) {
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(b);
        return c.getValue();
    }

    @Test
    void aFileThatCannotBeReadNowFailsTheTaskInsteadOfResettingTheModel() throws Exception {
        ModelStore store = files();
        byte[] row = store.keep(SENSOR, 400, snapshot(1), null);
        Path file = modelFiles().get(0);
        Files.delete(file);
        Files.createDirectory(file); // reading it fails with an I/O error that is not "missing"

        assertThatThrownBy(() -> store.load(SENSOR, row)).isInstanceOf(ModelStore.Unavailable.class)
                .hasMessageContaining("cannot be read now");
    }

    @Test
    void theSnapshotTheRowAlreadyNamesIsNotWrittenAgainNorItsFileDeleted() throws Exception {
        ModelStore store = files();
        byte[] first = store.keep(SENSOR, 400, snapshot(1), null);
        byte[] second = store.keep(SENSOR, 420, snapshot(2), first);

        byte[] same = store.keep(SENSOR, 420, snapshot(2), second);
        byte[] next = store.keep(SENSOR, 440, snapshot(3), same);

        assertThat(same).isSameAs(second);
        assertThat(store.load(SENSOR, next)).isEqualTo(snapshot(3));
        assertThat(modelFiles()).extracting(p -> p.getFileName().toString().split("-")[0])
                .containsExactlyInAnyOrder("420", "440");
    }

    @Test
    void aSnapshotThatCannotBeWrittenStaysInTheRow() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("taken"), "a file where the folder should be");
        ModelStore store = ModelStore.files(notADirectory.toString(), Configuration::new);
        byte[] snapshot = snapshot(3);

        byte[] row = store.keep(SENSOR, 400, snapshot, null);

        assertThat(row).isSameAs(snapshot);
        assertThat(store.load(SENSOR, row)).isSameAs(snapshot);
    }

    @Test
    void aForgottenSensorLeavesNoFiles() throws Exception {
        ModelStore store = files();
        byte[] row = store.keep(SENSOR, 400, snapshot(1), null);
        row = store.keep(SENSOR, 420, snapshot(2), row);
        assertThat(modelFiles()).hasSize(2);

        store.forget(SENSOR, row);

        assertThat(modelFiles()).isEmpty();
    }

    @Test
    void theModelFilesLiveInTheCheckpoint() {
        assertThat(ModelStore.dirFor("s3://bucket/checkpoints/job/")).isEqualTo("s3://bucket/checkpoints/job/models");
        assertThat(ModelStore.dirFor("/tmp/cp")).isEqualTo("/tmp/cp/models");
    }
}
