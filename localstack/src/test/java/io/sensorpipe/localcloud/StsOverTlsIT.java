package io.sensorpipe.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.testkit.CloudEndpoints;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.utils.AttributeMap;

/** The HTTPS moto the KPL asks for its caller identity; same account as kinesis-mock's ARNs. */
class StsOverTlsIT {

  @Test
  void getCallerIdentityOverHttpsReturnsTheLocalAccount() {
    URI stsEndpoint = CloudEndpoints.fromEnvironment().required("SENSORPIPE_KPL_STS_ENDPOINT");
    assertThat(stsEndpoint.getScheme()).isEqualTo("https");
    // moto's certificate is self-signed (ad hoc): trust-all only in this test.
    try (StsClient sts = StsClient.builder()
        .endpointOverride(stsEndpoint)
        .httpClient(ApacheHttpClient.builder().buildWithDefaults(AttributeMap.builder()
            .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true).build()))
        .build()) {
      assertThat(sts.getCallerIdentity().account()).isEqualTo("000000000000");
    }
  }

  @Test
  void getCallerIdentityOverPlainEndpointReturnsTheSameAccount() {
    CloudEndpoints.fromEnvironment().required(CloudEndpoints.GENERAL);
    try (StsClient sts = StsClient.builder().build()) {
      assertThat(sts.getCallerIdentity().account()).isEqualTo("000000000000");
    }
  }
}
