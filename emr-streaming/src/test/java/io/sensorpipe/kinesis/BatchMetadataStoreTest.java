package io.sensorpipe.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchMetadataStoreTest {
    @TempDir
    Path tmp;

    @Test
    void theStoreWritesWithTheJobsHadoopSettingsNotOnlyHadoopsDefaults() throws Exception {
        // A setting the job would pass as spark.hadoop.*: here the umask the files are created with.
        Configuration job = new Configuration();
        job.set("fs.permissions.umask-mode", "077");
        // Hadoop caches a file system per scheme and user, made with the first configuration that asks: a fresh one here
        job.setBoolean("fs.file.impl.disable.cache", true);
        Path withJobs = tmp.resolve("job");
        new BatchMetadataStore(withJobs.toUri().toString(), () -> job)
                .putStreamIdentity(new StreamIdentity("readings", 1L, 0L, null));
        Path withDefaults = tmp.resolve("defaults");
        new BatchMetadataStore(withDefaults.toUri().toString())
                .putStreamIdentity(new StreamIdentity("readings", 1L, 0L, null));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(withJobs.resolve("stream-0.json"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(withDefaults.resolve("stream-0.json"))))
                .as("Hadoop's default umask 022").isEqualTo("rw-r--r--");
        assertThat(new BatchMetadataStore(withJobs.toUri().toString(), () -> job).streamIdentity())
                .hasValueSatisfying(id -> assertThat(id.stream()).isEqualTo("readings"));
    }
}
