package io.sensorpipe.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** Real SDK calls for these live in the cli's and the tools' ITs; here the message per failure kind. */
class AwsErrorsTest {
    private static final Map<String, String> LOCAL = Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566");

    @Test
    void missingRegionSaysHowToGetOne() {
        var e = SdkClientException.create("Unable to load region from any of the providers in the chain ...");
        assertThat(AwsErrors.oneLine(e, Map.of())).hasValue("no AWS region configured: " + AwsErrors.LOCAL_CLOUD_FIX);
    }

    @Test
    void anEndpointThatNeverAnswersIsSaidSoInsteadOfATrace() {
        var e = software.amazon.awssdk.core.exception.ApiCallTimeoutException.create(60_000);
        assertThat(AwsErrors.oneLine(e, Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4599")))
                .hasValue(AwsErrors.NO_ANSWER + " from http://127.0.0.1:4599 within the client's timeout: "
                        + AwsErrors.LOCAL_CLOUD_FIX);
    }

    @Test
    void refusedConnectionNamesTheEndpoint() {
        var e = SdkClientException.create("Unable to execute HTTP request: Connect to 127.0.0.1:4566 failed",
                new ConnectException("Connection refused"));
        assertThat(AwsErrors.oneLine(e, LOCAL)).hasValue("cannot connect to http://127.0.0.1:4566: "
                + AwsErrors.LOCAL_CLOUD_FIX);
    }

    @Test
    void missingTableSaysToCreateItAndIsOneLine() {
        var e = ResourceNotFoundException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("ResourceNotFoundException").errorMessage("Requested resource not found: Table: t not found")
                .build()).build();
        assertThat(AwsErrors.oneLine(new RuntimeException(e), LOCAL)).hasValueSatisfying(m -> assertThat(m)
                .startsWith("Requested resource not found: Table: t not found at http://127.0.0.1:4566: create the"
                        + " resources first").doesNotContain("\n"));
    }

    @Test
    void anArchivedObjectSaysToRestoreItNotToCheckPermissions() {
        var e = software.amazon.awssdk.awscore.exception.AwsServiceException.builder().statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidObjectState")
                        .errorMessage("The operation is not valid for the object's storage class").build()).build();
        assertThat(AwsErrors.oneLine(new RuntimeException(e), LOCAL)).hasValueSatisfying(m -> assertThat(m)
                .contains("restore-object").doesNotContain("permissions"));
    }

    @Test
    void anEndpointWithoutASchemeSaysWhatAUrlLooksLike() {
        RuntimeException e = new RuntimeException(new java.net.URISyntaxException("localhost:",
                "Expected scheme-specific part", 10));
        assertThat(AwsErrors.oneLine(e, LOCAL)).hasValue("an endpoint is not a URL (localhost:): set AWS_ENDPOINT_URL "
                + "and AWS_ENDPOINT_URL_<SERVICE> to http(s) URLs, e.g. http://127.0.0.1:4566, or unset them for AWS");
    }

    @Test
    void otherFailuresAreLeftToTheCaller() {
        assertThat(AwsErrors.oneLine(new IllegalStateException("bug"), LOCAL)).isEmpty();
    }

    @Test
    void aMissingNamedResourceIsNamed() {
        assertThat(AwsErrors.oneLine(new AwsErrors.MissingResource("table", "t1", null), LOCAL))
                .hasValueSatisfying(m -> assertThat(m).startsWith("table t1 does not exist at http://127.0.0.1:4566: "
                        + "create the resources first"));
    }
}
