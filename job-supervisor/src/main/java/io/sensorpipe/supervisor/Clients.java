package io.sensorpipe.supervisor;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The supervisor's SDK clients (region, credentials and endpoints from the SDK's standard chains and
 * {@code AWS_ENDPOINT_URL*} variables), created lazily so a handler builds only what it calls.
 */
public final class Clients implements AutoCloseable {
    private EmrClient emr;
    private EmrServerlessClient emrServerless;
    private DynamoDbClient dynamoDb;
    private S3Client s3;
    private SnsClient sns;
    private CloudFormationClient cloudFormation;

    public synchronized EmrClient emr() {
        if (emr == null) {
            emr = EmrClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        }
        return emr;
    }

    public synchronized EmrServerlessClient emrServerless() {
        if (emrServerless == null) {
            emrServerless = EmrServerlessClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        }
        return emrServerless;
    }

    public synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        }
        return dynamoDb;
    }

    public synchronized S3Client s3() {
        if (s3 == null) {
            // Path-style: works for every bucket name and for local endpoints alike.
            s3 = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).forcePathStyle(true).build();
        }
        return s3;
    }

    public synchronized SnsClient sns() {
        if (sns == null) {
            sns = SnsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        }
        return sns;
    }

    public synchronized CloudFormationClient cloudFormation() {
        if (cloudFormation == null) {
            cloudFormation = CloudFormationClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        }
        return cloudFormation;
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable client : new AutoCloseable[] {emr, emrServerless, dynamoDb, s3, sns, cloudFormation}) {
            if (client != null) {
                try {
                    client.close();
                } catch (Exception ignored) {
                    // closing is best effort
                }
            }
        }
    }
}
