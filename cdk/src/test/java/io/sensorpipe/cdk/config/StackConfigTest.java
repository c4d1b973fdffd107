package io.sensorpipe.cdk.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorpipe.cdk.config.StackConfig.ComputeMode;
import io.sensorpipe.cdk.config.StackConfig.StreamCapacity;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackConfigTest {

    private static StackConfig read(Map<String, Object> context) {
        return StackConfig.fromContext(context::get);
    }

    @Test
    void defaultsDescribeTheDocumentedPipeline() {
        StackConfig config = read(Map.of("region", "eu-west-1"));
        assertThat(config.prefix()).isEqualTo("sensorpipe");
        assertThat(config.name("results")).isEqualTo("sensorpipe-results");
        assertThat(config.streamCapacity()).isEqualTo(StreamCapacity.ON_DEMAND);
        assertThat(config.compute()).isEqualTo(ComputeMode.EMR_EC2);
        assertThat(config.firehoseBufferMiB()).isEqualTo(64);
        assertThat(config.firehoseBufferSeconds()).isEqualTo(300);
        assertThat(config.emrRelease()).startsWith("emr-7.");
        assertThat(config.retainData()).isTrue();
        assertThat(config.lambdaJar()).isEqualTo(Path.of(StackConfig.DEFAULT_LAMBDA_JAR));
        assertThat(config.emrJar()).isEqualTo(Path.of(StackConfig.DEFAULT_EMR_JAR));
    }

    @Test
    void cliStringsAndJsonTypesBothParse() {
        StackConfig fromCli = read(Map.of("region", "eu-west-1", "shardCount", "8", "snapStart", "false", "streamMode", "provisioned"));
        StackConfig fromJson = read(Map.of("region", "eu-west-1", "shardCount", 8, "snapStart", false, "streamMode", "PROVISIONED"));
        assertThat(fromCli).isEqualTo(fromJson);
        assertThat(fromCli.shardCount()).isEqualTo(8);
        assertThat(fromCli.snapStart()).isFalse();
    }

    @Test
    void badValuesFailNamingTheContextKey() {
        assertThatThrownBy(() -> read(Map.of("prefix", "Bad_Prefix"))).hasMessageContaining("'prefix'");
        assertThatThrownBy(() -> read(Map.of("shardCount", "many"))).hasMessageContaining("'shardCount'");
        assertThatThrownBy(() -> read(Map.of("shardCount", 0))).hasMessageContaining("'shardCount'");
        assertThatThrownBy(() -> read(Map.of("compute", "lambda"))).hasMessageContaining("'compute'").hasMessageContaining("emr-serverless");
        assertThatThrownBy(() -> read(Map.of("emrRelease", "emr-6.15.0"))).hasMessageContaining("'emrRelease'");
        assertThatThrownBy(() -> read(Map.of("alertEmail", "nobody"))).hasMessageContaining("'alertEmail'");
        assertThatThrownBy(() -> read(Map.of("archiveGlacierDays", 20, "archiveInfrequentAccessDays", 30))).hasMessageContaining("'archiveGlacierDays'");
        assertThatThrownBy(() -> read(Map.of("region", "mars"))).hasMessageContaining("'region'");
        assertThatThrownBy(() -> read(Map.of("jobTrigger", "30 seconds"))).hasMessageContaining("'jobTrigger'");
        assertThatThrownBy(() -> read(Map.of("jobWarmStartHistory", "a week"))).hasMessageContaining("'jobWarmStartHistory'");
        assertThatThrownBy(() -> read(Map.of("jobWarmStartHistory", "0s"))).hasMessageContaining("'jobWarmStartHistory'");
    }

    @Test
    void missingJarFailsNamingTheModuleToBuild() {
        StackConfig config = read(Map.of("region", "eu-west-1", "lambdaJar", "/nonexistent/alerts.jar", "emrJar", "/nonexistent/job.jar"));
        assertThatThrownBy(config::requireLambdaJar).hasMessageContaining("lambda-alerts").hasMessageContaining("-c lambdaJar=");
        assertThatThrownBy(config::requireEmrJar).hasMessageContaining("emr-streaming").hasMessageContaining("-c emrJar=");
    }
}
