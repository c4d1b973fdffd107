package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.sink.DeadLetterWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Dead letters of one reprocessing input never overwrite another input's (each run is batch 0). */
class ArchiveReprocessTagTest {
    private static final String HOUR_A = "s3://archive/raw/year=2026/month=11/day=25/hour=10/*.gz";
    private static final String HOUR_B = "s3://archive/raw/year=2026/month=11/day=25/hour=11/*.gz";

    @Test
    void reprocessingTheSameInputAgainReusesItsTag() {
        assertThat(ArchiveReprocessMain.jobTag(HOUR_A)).isEqualTo(ArchiveReprocessMain.jobTag(HOUR_A))
                .startsWith("reprocess-");
    }

    @Test
    void reprocessingAnotherHourWritesOtherDeadLetterKeys() {
        assertThat(ArchiveReprocessMain.jobTag(HOUR_A)).isNotEqualTo(ArchiveReprocessMain.jobTag(HOUR_B));
        long batchTime = 1_764_072_000_000L;
        String keyA = DeadLetterWriter.toDirectory(Path.of("dl"), ArchiveReprocessMain.jobTag(HOUR_A))
                .keyFor(0, batchTime, 0);
        String keyB = DeadLetterWriter.toDirectory(Path.of("dl"), ArchiveReprocessMain.jobTag(HOUR_B))
                .keyFor(0, batchTime, 0);
        assertThat(keyA).isNotEqualTo(keyB);
    }
}
