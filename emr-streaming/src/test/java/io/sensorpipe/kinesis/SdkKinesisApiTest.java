package io.sensorpipe.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/** Which Kinesis failures the source tries again after the SDK's own retries (the loop itself is not tested here). */
class SdkKinesisApiTest {
    @Test
    void aServiceFailureCountsAsWorthTryingAgainAndAnAnswerAboutTheRequestDoesNot() {
        assertThat(SdkKinesisApi.serverSide((KinesisException) KinesisException.builder().statusCode(500)
                .message("InternalFailure").build())).isTrue();
        assertThat(SdkKinesisApi.serverSide((KinesisException) KinesisException.builder().statusCode(503)
                .message("ServiceUnavailable").build())).isTrue();
        assertThat(SdkKinesisApi.serverSide((KinesisException) ResourceNotFoundException.builder().statusCode(400)
                .build())).isFalse();
        assertThat(SdkKinesisApi.serverSide((KinesisException) ExpiredIteratorException.builder().statusCode(400)
                .build())).isFalse();
    }
}
