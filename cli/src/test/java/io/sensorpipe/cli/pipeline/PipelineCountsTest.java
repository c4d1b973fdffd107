package io.sensorpipe.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.backtest.DetectionCounts;
import io.sensorpipe.backtest.DetectionCounts.Flag;
import io.sensorpipe.backtest.DetectionCounts.Label;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineCountsTest {
    @Test
    void consistentRunReconcilesAndSummaryNamesEveryCount() {
        PipelineCounts c = new PipelineCounts(1000, 990, 6, 4, 0, 1000, 0, 5, 3, 2);
        assertThat(c.reconciles()).isTrue();
        assertThat(c.summaryLine()).isEqualTo("produced=1000 windowed=990 late=6 dead_lettered=4 duplicates=0 archived=1000 archive_duplicates=0"
                + " anomalies=5 alerted=3 suppressed=2 reconciled=yes");
    }

    @Test
    void lostReadingsFailTheFirstIdentity() {
        PipelineCounts c = new PipelineCounts(1000, 980, 6, 4, 0, 1000, 0, 0, 0, 0);
        assertThat(c.mismatches()).containsExactly("produced 1000 != windowed+late+dead_lettered 990");
        assertThat(c.summaryLine()).endsWith("reconciled=NO (produced 1000 != windowed+late+dead_lettered 990)");
    }

    @Test
    void incompleteArchiveFails() {
        assertThat(new PipelineCounts(10, 10, 0, 0, 0, 9, 0, 0, 0, 0).mismatches())
                .containsExactly("archived 9 != produced 10");
    }

    @Test
    void alertsMustEqualAnomaliesMinusSuppressions() {
        assertThat(new PipelineCounts(10, 10, 0, 0, 0, 10, 0, 3, 3, 1).mismatches())
                .containsExactly("alerted 3 != anomalies-suppressed 2");
    }

    @Test
    void unknownCountCannotReconcile() {
        PipelineCounts c = new PipelineCounts(10, 10, 0, 0, 0, PipelineCounts.UNKNOWN, 0, 0, 0, 0);
        assertThat(c.mismatches()).containsExactly("archived unknown");
        assertThat(c.summaryLine()).contains("archived=?").contains("reconciled=NO");
    }

    @Test
    void duplicatesAreReportedButOutsideTheIdentities() {
        // 1000 produced; the stream held 7 repeats (windowed once), the archive 9 repeated lines (counted once)
        PipelineCounts c = new PipelineCounts(1000, 990, 6, 4, 7, 1000, 9, 5, 3, 2);
        assertThat(c.reconciles()).isTrue();
        assertThat(c.summaryLine()).contains(" duplicates=7 ").contains(" archive_duplicates=9 ");
    }

    @Test
    void summaryLinePutsDetectionBeforeTheVerdict() {
        PipelineCounts counts = new PipelineCounts(10, 10, 0, 0, 0, 10, 0, 1, 1, 0);
        DetectionCounts d = DetectionCounts.match(List.of(new Label("a", 1_000_000L, 1_000_000L)),
                List.of(new Flag("a", 1_000_000L, 1_005_000, "FOREST_LIKELIHOOD")), 1_000_000L, 1_120_000L);
        assertThat(counts.summaryLine(d)).endsWith(" suppressed=0 labelled=1 detected=1 false_alarms=0"
                + " by_detector=forest:1,seasonal:0,stats:0,range:0,fault:0 reconciled=yes");
    }
}
