package io.sensorpipe.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** Which failed BatchWriteItem requests the sink sends again (the loop itself is not tested here: moto never throttles). */
class DynamoDbWindowWriterTest {
    @Test
    void aThrottledOrFailedRequestCountsAsWorthSendingAgainAndAWrongOneDoesNot() {
        assertThat(DynamoDbWindowWriter.retryable(ProvisionedThroughputExceededException.builder().statusCode(400).build()))
                .isTrue();
        assertThat(DynamoDbWindowWriter.retryable(RequestLimitExceededException.builder().statusCode(400).build())).isTrue();
        assertThat(DynamoDbWindowWriter.retryable((RuntimeException) DynamoDbException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build()).build())).isTrue();
        assertThat(DynamoDbWindowWriter.retryable((RuntimeException) DynamoDbException.builder().statusCode(500).build()))
                .isTrue();
        assertThat(DynamoDbWindowWriter.retryable(SdkClientException.create("reset", new IOException("reset")))).isTrue();
        assertThat(DynamoDbWindowWriter.retryable(ResourceNotFoundException.builder().statusCode(400).build())).isFalse();
        assertThat(DynamoDbWindowWriter.retryable(ConditionalCheckFailedException.builder().statusCode(400).build()))
                .isFalse();
        assertThat(DynamoDbWindowWriter.retryable(new IllegalStateException("a bug"))).isFalse();
    }
}
