package io.sensorpipe.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;

class ProducerConfigTest {
    private static final Map<String, String> ENV = Map.of(
            "AWS_REGION", "eu-west-1",
            "SENSORPIPE_KPL_KINESIS_ENDPOINT", "https://127.0.0.1:4567",
            "SENSORPIPE_KPL_STS_ENDPOINT", "https://127.0.0.1:4569");

    @Test
    void kplSettingsComeFromTheOneTypedConfig() {
        ProducerConfig config = ProducerConfig.builder(ENV).streamName("readings")
                .recordMaxBufferedTime(Duration.ofMillis(250)).recordTtl(Duration.ofSeconds(45))
                .rateLimit(80).maxConnections(8).build();
        KinesisProducerConfiguration kpl = KplReadingWriter.kplConfiguration(config);

        assertThat(kpl.getRegion()).isEqualTo("eu-west-1");
        assertThat(kpl.isAggregationEnabled()).isTrue();
        assertThat(kpl.getRecordMaxBufferedTime()).isEqualTo(250);
        assertThat(kpl.getRecordTtl()).isEqualTo(45_000);
        assertThat(kpl.getRateLimit()).isEqualTo(80);
        assertThat(kpl.getMaxConnections()).isEqualTo(8);
        assertThat(kpl.getKinesisEndpoint()).isEqualTo("127.0.0.1");
        assertThat(kpl.getKinesisPort()).isEqualTo(4567);
        assertThat(kpl.getStsEndpoint()).isEqualTo("127.0.0.1");
        assertThat(kpl.getStsPort()).isEqualTo(4569);
        assertThat(KplReadingWriter.verifyCertificates(config)).isFalse();
    }

    @Test
    void loopbackEndpointsGetAPatientRequestTimeoutRealAwsTheKplDefault() {
        assertThat(ProducerConfig.builder(ENV).streamName("s").build().requestTimeout())
                .isEqualTo(ProducerConfig.LOCAL_REQUEST_TIMEOUT);
        assertThat(ProducerConfig.builder(Map.of("AWS_REGION", "us-east-1")).streamName("s").build().requestTimeout())
                .isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void realAwsEndpointsKeepCertificateVerification() {
        ProducerConfig config = ProducerConfig.builder(Map.of("AWS_REGION", "us-east-1")).streamName("s").build();
        assertThat(config.kplKinesisEndpoint()).isEmpty();
        assertThat(KplReadingWriter.verifyCertificates(config)).isTrue();
    }

    @Test
    void loopbackKinesisWithARemoteStsEndpointKeepsVerification() {
        ProducerConfig config = ProducerConfig.builder(Map.of("AWS_REGION", "us-east-1",
                "SENSORPIPE_KPL_KINESIS_ENDPOINT", "https://127.0.0.1:4567",
                "AWS_ENDPOINT_URL_STS", "https://sts.example.com")).streamName("s").build();
        assertThat(KplReadingWriter.verifyCertificates(config)).isTrue();
    }

    @Test
    void loopbackKinesisWithoutAnStsOverrideKeepsVerificationBecauseStsIsRealAws() {
        ProducerConfig config = ProducerConfig.builder(Map.of("AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:4568")).streamName("s").build();
        assertThat(config.kplKinesisEndpoint()).isPresent();
        assertThat(config.kplStsEndpoint()).isEmpty();
        assertThat(KplReadingWriter.verifyCertificates(config)).isTrue();
        assertThat(KplReadingWriter.kplConfiguration(config).isVerifyCertificate()).isTrue();
    }

    @Test
    void metricsUploadToRealCloudWatchKeepsVerificationEvenWithLoopbackKinesisAndSts() {
        for (String level : new String[] {"summary", "detailed"}) {
            ProducerConfig config = ProducerConfig.builder(ENV).streamName("s").metricsLevel(level).build();
            assertThat(KplReadingWriter.verifyCertificates(config)).as(level).isTrue();
        }
        ProducerConfig noMetrics = ProducerConfig.builder(ENV).streamName("s").metricsLevel("none").build();
        assertThat(KplReadingWriter.verifyCertificates(noMetrics)).isFalse();
        assertThat(KplReadingWriter.kplConfiguration(noMetrics).isVerifyCertificate()).isFalse();
    }

    @Test
    void unknownRegionIsRejectedNamingTheField() {
        assertThatThrownBy(() -> ProducerConfig.builder(ENV).streamName("s").region("mars-north-1").build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("region: 'mars-north-1' is not a known AWS region");
    }

    @Test
    void missingRegionTellsWhereToSetIt() {
        assertThatThrownBy(() -> ProducerConfig.builder(Map.of()).streamName("s").build())
                .hasMessageContaining("region").hasMessageContaining("AWS_REGION");
    }

    @Test
    void badBoundsAndNamesAreRejectedNamingTheFlag() {
        assertThatThrownBy(() -> ProducerConfig.builder(ENV).streamName("s").maxOutstandingRecords(0).build())
                .hasMessageStartingWith("max-outstanding-records:");
        assertThatThrownBy(() -> ProducerConfig.builder(ENV).streamName("bad name!").build())
                .hasMessageStartingWith("stream:");
        assertThatThrownBy(() -> ProducerConfig.builder(ENV).streamName("s").recordTtl(Duration.ZERO).build())
                .hasMessageStartingWith("record-ttl:");
        assertThatThrownBy(() -> ProducerConfig.builder(ENV).streamName("s").maxRetries(-1).build())
                .hasMessageStartingWith("max-retries:");
        assertThatThrownBy(() -> ProducerConfig.builder(ENV).streamName("s").metricsLevel("all").build())
                .hasMessageStartingWith("kpl-metrics-level:");
    }
}
