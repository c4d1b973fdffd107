package io.sensorpipe.hadoop;

import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The job's Hadoop configuration (its {@code spark.hadoop.*} settings, as Spark's checkpoint files get them), on
 * whichever JVM a component reads or writes files beside the checkpoint: the driver or an executor.
 */
@FunctionalInterface
public interface JobHadoopConf extends Serializable {
    Configuration get();

    /** The context's configuration, broadcast once: a configuration in every task would cost tens of KB per task. */
    static JobHadoopConf broadcast(SparkContext sc) {
        Broadcast<SerializableConfiguration> conf = sc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()),
                scala.reflect.ClassTag$.MODULE$.apply(SerializableConfiguration.class));
        return () -> conf.value().value();
    }
}
