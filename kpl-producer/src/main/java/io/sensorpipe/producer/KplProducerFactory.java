package io.sensorpipe.producer;

import software.amazon.kinesis.producer.IKinesisProducer;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;

/** Creates the KPL client (starts its native daemon); {@link ProducerAwsClients#kplProducer} in production. */
@FunctionalInterface
public interface KplProducerFactory {
    IKinesisProducer create(KinesisProducerConfiguration configuration);
}
