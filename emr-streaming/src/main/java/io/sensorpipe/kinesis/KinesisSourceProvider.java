package io.sensorpipe.kinesis;

import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code spark.readStream().format("sensorpipe-kinesis")}: a DataSource V2 micro-batch source on the AWS SDK v2.
 * Rows: {@link KinesisRecordSchema#SCHEMA}, one per user record (KPL aggregates are de-aggregated).
 */
public final class KinesisSourceProvider implements TableProvider, DataSourceRegister {
    public static final String SHORT_NAME = "sensorpipe-kinesis";

    @Override
    public String shortName() {
        return SHORT_NAME;
    }

    @Override
    public StructType inferSchema(CaseInsensitiveStringMap options) {
        return KinesisRecordSchema.SCHEMA;
    }

    @Override
    public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
        KinesisSourceOptions options = KinesisSourceOptions.from(properties);
        return new KinesisTable(options);
    }

    private record KinesisTable(KinesisSourceOptions options) implements Table, SupportsRead {
        @Override
        public String name() {
            return "kinesis:" + options.streamName();
        }

        @Override
        public StructType schema() {
            return KinesisRecordSchema.SCHEMA;
        }

        @Override
        public Set<TableCapability> capabilities() {
            return Set.of(TableCapability.MICRO_BATCH_READ);
        }

        @Override
        public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
            KinesisSourceOptions merged = KinesisSourceOptions.from(mergedOptions(scanOptions));
            return () -> new Scan() {
                @Override
                public StructType readSchema() {
                    return KinesisRecordSchema.SCHEMA;
                }

                @Override
                public MicroBatchStream toMicroBatchStream(String checkpointLocation) {
                    return new KinesisMicroBatchStream(merged, checkpointLocation);
                }
            };
        }

        private Map<String, String> mergedOptions(CaseInsensitiveStringMap scanOptions) {
            Map<String, String> all = new java.util.HashMap<>(options.asMap());
            all.putAll(scanOptions.asCaseSensitiveMap());
            return all;
        }
    }
}
