package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI builds one validated config; every error names the flag at fault. */
class JobConfigTest {
    private static JobConfig parse(String... args) {
        StreamingJobMain main = new StreamingJobMain();
        new CommandLine(main).parseArgs(args);
        return main.toConfig();
    }

    @Test
    void defaultsGiveARunnableLocalConfig() {
        JobConfig c = parse("--stream", "s", "--checkpoint", "/tmp/cp", "--dead-letter-bucket", "b");
        assertThat(c.table()).isEqualTo(io.sensorpipe.schema.ResultItem.DEFAULT_TABLE);
        assertThat(c.ttlDays()).as("the one default TTL, ResultItem's").isEqualTo(io.sensorpipe.schema.ResultItem.DEFAULT_TTL_DAYS);
        assertThat(c.windowSize()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.deadLetterPrefix()).isEqualTo("dead-letters/");
        assertThat(c.master()).isEqualTo("local[2]");
        assertThat(c.source()).isEqualTo("sensorpipe-kinesis");
    }

    @Test
    void finishingABatchOfLongerWindowsRaisesAnIdleTimeoutValidForTheNewSize() {
        // an hour's windows left a batch unfinished; the restart's flags are valid for 5-minute windows
        JobConfig c = parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b", "--window", "5m",
                "--idle-timeout", "30m");
        JobConfig old = c.withWindowSize(Duration.ofHours(1));
        assertThat(old.windowSize()).isEqualTo(Duration.ofHours(1));
        assertThat(old.idleTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(c.withWindowSize(Duration.ofMinutes(1)).idleTimeout()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void onlyANewCheckpointReadingThePastUntrainedIsWarnedOfRewritingResults() {
        JobConfig trim = parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b");
        JobConfig latest = parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--initial-position", "LATEST");
        assertThat(JobPreflight.rewritesResults(trim, true, false, 1_000)).contains("--warm-start-archive");
        assertThat(JobPreflight.rewritesResults(trim, false, false, 1_000)).as("a restart goes on").isNull();
        assertThat(JobPreflight.rewritesResults(trim, true, true, 1_000)).as("warm-started").isNull();
        assertThat(JobPreflight.rewritesResults(trim, true, false, 0)).as("an empty table").isNull();
        assertThat(JobPreflight.rewritesResults(latest, true, false, 1_000)).as("only new readings").isNull();
    }

    @Test
    void badValuesNameTheirFlag() {
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--window", "ten")).hasMessageContaining("--window");
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--source", "kafka")).hasMessageContaining("--source");
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp"))
                .hasMessageContaining("--dead-letter-bucket");
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--dead-letter-prefix", "dl")).hasMessageContaining("--dead-letter-prefix");
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--initial-position", "AT_TIMESTAMP")).hasMessageContaining("--at-timestamp");
        assertThatThrownBy(() -> parse("--stream", " ", "--checkpoint", "cp", "--dead-letter-bucket", "b"))
                .hasMessageContaining("--stream");
    }

    @Test
    void aMasterSparkCannotParseIsAConfigurationErrorNotASparkTrace() {
        for (String ok : new String[] {"local", "local[2]", "local[*]", "local[4,3]", "yarn", "spark://h:7077",
                "k8s://https://h:6443", "local-cluster[2,1,1024]"}) {
            assertThat(parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b", "--master", ok)
                    .master()).isEqualTo(ok);
        }
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--master", "foo")).hasMessage("--master must be local, local[N], local[*], yarn, or a spark://,"
                + " k8s:// or mesos:// URL, got 'foo'");
    }

    @Test
    void aLocalDirectoryThatCannotBeCreatedIsNamedWithItsFlag(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        assertThat(StreamingJobMain.unwritableDirectory("--checkpoint", tmp.resolve("a/b").toString())).isNull();
        assertThat(tmp.resolve("a/b")).isDirectory();
        assertThat(StreamingJobMain.unwritableDirectory("--checkpoint", "file:" + tmp.resolve("c"))).isNull();
        java.nio.file.Path file = java.nio.file.Files.writeString(tmp.resolve("f"), "x");
        assertThat(StreamingJobMain.unwritableDirectory("--dead-letter-dir", file.resolve("d").toString()))
                .startsWith("--dead-letter-dir " + file.resolve("d") + " cannot be created (")
                .endsWith("): pass a writable directory");
    }

    @Test
    void inYarnClusterModeTheFailureLineIsThrownSoYarnReportsItInsteadOfAnExitCode() {
        String before = System.getProperty("spark.submit.deployMode");
        System.setProperty("spark.submit.deployMode", "cluster"); // as YARN's application master sets it
        try {
            assertThatThrownBy(() -> StreamingJobMain.main(new String[] {"--stream", "s", "--checkpoint", "cp",
                    "--dead-letter-bucket", "b", "--master", "foo"}))
                    .isInstanceOf(StreamingJobMain.JobFailedException.class)
                    .hasMessageStartingWith("invalid configuration: --master must be local");
        } finally {
            if (before == null) {
                System.clearProperty("spark.submit.deployMode");
            } else {
                System.setProperty("spark.submit.deployMode", before);
            }
        }
    }

    @Test
    void anExceptionOutOfTheJobEndsInItsOneLineAsTheLastError() {
        StreamingJobMain job = new StreamingJobMain();
        Exception failure = new IllegalStateException("wrapped",
                new java.io.UncheckedIOException("cannot read or write the checkpoint s3://b/cp",
                        new java.io.IOException("Forbidden")));

        assertThat(StreamingJobMain.unexpectedFailure(job, failure)).isEqualTo(1);
        assertThat(job.lastError()).as("the job's own (outermost of ours) message")
                .isEqualTo("stream-job failed: wrapped");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(JobConfig.parseDuration("--x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(JobConfig.parseDuration("--x", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(JobConfig.parseDuration("--x", "PT10S")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void futureSkewDefaultsToAMinuteAndOutOfRangeValuesNameTheFlag() {
        assertThat(parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b").maxFutureSkew())
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--max-future-skew", "2m").maxFutureSkew()).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--max-future-skew", "0s")).hasMessageContaining("--max-future-skew");
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                "--max-future-skew", "2h")).hasMessageContaining("--max-future-skew");
    }

    @Test
    void dataLossFailsTheQueryUnlessTurnedOff() {
        assertThat(parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b").failOnDataLoss()).isTrue();
        assertThat(parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                io.sensorpipe.contract.JobOptions.FAIL_ON_DATA_LOSS, "false").failOnDataLoss()).isFalse();
        assertThatThrownBy(() -> parse("--stream", "s", "--checkpoint", "cp", "--dead-letter-bucket", "b",
                io.sensorpipe.contract.JobOptions.FAIL_ON_DATA_LOSS, "maybe"))
                .hasMessageContaining(io.sensorpipe.contract.JobOptions.FAIL_ON_DATA_LOSS);
    }
}
