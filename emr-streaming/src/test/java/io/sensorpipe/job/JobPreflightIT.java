package io.sensorpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import io.sensorpipe.kinesis.KinesisSourceProvider;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** The job's preflight ({@link JobPreflight#unreachable}): what a job pointed at nothing says, in seconds. */
class JobPreflightIT {
    @TempDir
    Path tmp;

    private JobConfig config(String stream, String table, boolean createResources) {
        return new JobConfig(stream, table, tmp.resolve("cp").toString(), null, "dead-letters/", tmp.resolve("dl"),
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(1),
                KinesisSourceProvider.SHORT_NAME, "TRIM_HORIZON", 0, 10_000, 2, 30, 4, null, null, Duration.ZERO,
                "local[2]", createResources, JobConfig.DEFAULT_MAX_FUTURE_SKEW);
    }

    @Test
    void aStreamAndATableThatAreThereAnswer() {
        try (LocalCloudFixture cloud = new LocalCloudFixture(1)) {
            assertThat(JobPreflight.unreachable(config(cloud.stream, cloud.table, false), cloud.kinesis,
                    cloud.aws.dynamo())).isNull();
        }
    }

    @Test
    void aNewCheckpointReadingThePastIntoATableThatHoldsWindowsIsWarnedAbout() {
        try (LocalCloudFixture cloud = new LocalCloudFixture(1)) {
            JobConfig config = config(cloud.stream, cloud.table, false);
            assertThat(JobPreflight.check(config, cloud.kinesis, cloud.aws.dynamo()).tableItems()).as("an empty table")
                    .isZero();
            assertThat(JobPreflight.rewritesResults(config, true, false,
                    JobPreflight.check(config, cloud.kinesis, cloud.aws.dynamo()).tableItems())).isNull();
            long start = 1_764_072_000_000L;
            new io.sensorpipe.sink.DynamoDbWindowWriter(cloud.aws.dynamo(), cloud.table, Duration.ofDays(1)).writeAll(
                    java.util.List.of(new io.sensorpipe.schema.WindowResult("it/s", start, start + 10_000, 1, 1, 1, 1,
                            0, start, start, 0, 0, false, null, "trcf-v1", start + 20_000, "t", "it", "C")));
            long items = JobPreflight.check(config, cloud.kinesis, cloud.aws.dynamo()).tableItems();
            assertThat(items).isPositive();
            assertThat(JobPreflight.rewritesResults(config, true, false, items))
                    .contains("TRIM_HORIZON", cloud.table, "--warm-start-archive", "--initial-position LATEST")
                    .doesNotContain("\n");
        }
    }

    @Test
    void aMissingStreamOrTableIsOneLineNamingItAndTheFix() {
        try (LocalCloudFixture cloud = new LocalCloudFixture(1)) {
            String stream = JobPreflight.unreachable(config("no-such-stream-" + System.nanoTime(), cloud.table,
                    false), cloud.kinesis, cloud.aws.dynamo());
            assertThat(stream).startsWith("stream no-such-stream-").contains("does not exist at")
                    .contains("create the resources first").doesNotContain("\n");
            String table = JobPreflight.unreachable(config(cloud.stream, "no-such-table", false), cloud.kinesis,
                    cloud.aws.dynamo());
            assertThat(table).startsWith("table no-such-table does not exist at").doesNotContain("\n");
            assertThat(JobPreflight.unreachable(config(cloud.stream, "no-such-table", true), cloud.kinesis,
                    cloud.aws.dynamo())).as("--create-resources creates the table").isNull();
        }
    }

    @Test
    void aTableOfAnotherShapeIsRefusedBeforeEveryWindowWriteFailsOnIt() {
        try (LocalCloudFixture cloud = new LocalCloudFixture(1)) {
            String other = "results-of-another-key-" + System.nanoTime(); // by its name the results (IAM coverage maps names)
            io.sensorpipe.aws.DynamoTables.createIfMissing(cloud.aws.dynamo(), io.sensorpipe.contract.Tables.ALERT_STATE,
                    other);
            try {
                String line = JobPreflight.unreachable(config(cloud.stream, other, false), cloud.kinesis,
                        cloud.aws.dynamo());
                assertThat(line).startsWith("table " + other + " has the key (").contains("not the (" + io.sensorpipe.schema.ResultItem.SENSOR_ID + " S HASH, "
                                + io.sensorpipe.schema.ResultItem.WINDOW_START + " N RANGE) its items need")
                        .contains("pass the results table").contains("--table").doesNotContain("\n");
            } finally {
                cloud.aws.dynamo().deleteTable(r -> r.tableName(other));
            }
        }
    }

    @Test
    void nothingListeningIsOneLineSayingHowToStartTheLocalCloud() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there now
        }
        URI nowhere = URI.create("http://127.0.0.1:" + port);
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        try (KinesisClient kinesis = KinesisClient.builder().endpointOverride(nowhere).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
             DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(nowhere).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build()) {
            String line = JobPreflight.unreachable(config("s", "t", false), kinesis, dynamo);
            assertThat(line).startsWith("cannot connect to").contains("localstack/local-cloud.sh start")
                    .doesNotContain("\n");
        }
    }

}
