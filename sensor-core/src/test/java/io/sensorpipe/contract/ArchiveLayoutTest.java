package io.sensorpipe.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ArchiveLayoutTest {
    private final ArchiveLayout layout = ArchiveLayout.defaults();
    private final Instant arrival = Instant.parse("2026-11-25T07:04:05.678Z");

    @Test
    void dataKeyHasHivePrefixAndFirehoseObjectName() {
        UUID id = UUID.fromString("0f8e4b6a-1c2d-3e4f-8a9b-0c1d2e3f4a5b");
        assertThat(layout.dataObjectKey(arrival, id)).isEqualTo(
                "raw/year=2026/month=11/day=25/hour=07/sensorpipe-archive-1-2026-11-25-07-04-05-0f8e4b6a-1c2d-3e4f-8a9b-0c1d2e3f4a5b.gz");
    }

    @Test
    void errorKeyUsesErrorOutputTypeFolder() {
        UUID id = UUID.fromString("0f8e4b6a-1c2d-3e4f-8a9b-0c1d2e3f4a5b");
        assertThat(layout.errorObjectKey(arrival, ArchiveLayout.PROCESSING_FAILED, id)).startsWith(
                "errors/processing-failed/year=2026/month=11/day=25/hour=07/sensorpipe-archive-1-2026-11-25-07-04-05-");
    }

    @Test
    void prefixIsRenderedInUtcWhateverTheDefaultZone() {
        Instant lateEvening = Instant.parse("2026-12-31T23:59:59Z");
        assertThat(layout.dataPrefixFor(lateEvening)).isEqualTo("raw/year=2026/month=12/day=31/hour=23/");
    }

    @Test
    void hourlyPrefixesCoverEveryOverlappingHour() {
        assertThat(layout.hourlyDataPrefixes(Instant.parse("2026-11-25T22:30:00Z"), Instant.parse("2026-11-26T00:00:01Z")))
                .containsExactly("raw/year=2026/month=11/day=25/hour=22/", "raw/year=2026/month=11/day=25/hour=23/",
                        "raw/year=2026/month=11/day=26/hour=00/");
    }

    @Test
    void hourPartitionsBelowTheDataRootCoverEveryOverlappingHour() {
        assertThat(ArchiveLayout.hourPartitions(Instant.parse("2026-11-25T22:30:00Z"), Instant.parse("2026-11-26T00:00:01Z")))
                .containsExactly("year=2026/month=11/day=25/hour=22/", "year=2026/month=11/day=25/hour=23/",
                        "year=2026/month=11/day=26/hour=00/");
    }

    @Test
    void hourlyErrorPrefixesNameTheErrorOutputType() {
        assertThat(layout.hourlyErrorPrefixes(arrival, arrival.plusSeconds(3600), ArchiveLayout.PROCESSING_FAILED))
                .containsExactly("errors/processing-failed/year=2026/month=11/day=25/hour=07/",
                        "errors/processing-failed/year=2026/month=11/day=25/hour=08/");
    }

    @Test
    void batchIdDependsOnlyOnShardAndFirstRecordPosition() {
        UUID a = ArchiveLayout.batchId("shardId-000000000001", "4960", 3);
        assertThat(ArchiveLayout.batchId("shardId-000000000001", "4960", 3)).isEqualTo(a);
        assertThat(ArchiveLayout.batchId("shardId-000000000001", "4960", 4)).isNotEqualTo(a);
        assertThat(ArchiveLayout.batchId("shardId-000000000002", "4960", 3)).isNotEqualTo(a);
    }

    @Test
    void recognisesFirehoseObjectNames() {
        assertThat(ArchiveLayout.isFirehoseObjectName(layout.dataObjectKey(arrival, UUID.randomUUID()))).isTrue();
        assertThat(ArchiveLayout.isFirehoseObjectName(
                "raw/year=2026/month=11/day=25/hour=07/my-stream-3-2026-11-25-07-04-05-0f8e4b6a-1c2d-3e4f-8a9b-0c1d2e3f4a5b"))
                .as("uncompressed object from another delivery stream").isTrue();
        assertThat(ArchiveLayout.isFirehoseObjectName("raw/year=2026/month=11/day=25/hour=07/_SUCCESS")).isFalse();
    }

    @Test
    void firehosePrefixExpressionsAreExactlyWhatTheDeliveryStreamIsGiven() {
        // The CDK template test compares against these constants, so the literal bytes are pinned here.
        assertThat(ArchiveLayout.DEFAULT_PREFIX)
                .isEqualTo("raw/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/");
        assertThat(ArchiveLayout.DEFAULT_ERROR_PREFIX).isEqualTo("errors/!{firehose:error-output-type}/"
                + "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/");
    }

    @Test
    void hourPartitionIsTheDataPrefixWithoutItsRoot() {
        assertThat(ArchiveLayout.hourPartition(Instant.parse("2026-01-02T03:59:59Z"))).isEqualTo("year=2026/month=01/day=02/hour=03/");
        assertThat(ArchiveLayout.DATA_ROOT + ArchiveLayout.hourPartition(arrival)).isEqualTo(layout.dataPrefixFor(arrival));
    }

    @Test
    void objectNamesOfOneDeliveryStreamStartWithItsNamePrefix() {
        String key = new ArchiveLayout(ArchiveLayout.DEFAULT_PREFIX, ArchiveLayout.DEFAULT_ERROR_PREFIX, "sensorpipe-run-7", 1)
                .dataObjectKey(arrival, UUID.randomUUID());
        String name = key.substring(key.lastIndexOf('/') + 1);
        assertThat(name).startsWith(ArchiveLayout.objectNamePrefix("sensorpipe-run-7")).startsWith("sensorpipe-run-7-1-")
                .endsWith(ArchiveLayout.OBJECT_SUFFIX).endsWith(".gz");
    }

    @Test
    void prefixWithoutHourPartitionIsRejected() {
        assertThatThrownBy(() -> new ArchiveLayout("raw/!{timestamp:yyyy}/", ArchiveLayout.DEFAULT_ERROR_PREFIX, "s", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
    }
}
