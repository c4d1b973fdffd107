package io.sensorpipe.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/** A shard's event times are judged against when the stream stored the record, as the job's parser judges them. */
class EventTimesTest {
    private static final long ARRIVAL = 1_764_072_000_000L;
    private final EventTimes times = new EventTimes("ts", 60_000);

    private static KinesisClientRecord reading(long ts) {
        return KinesisClientRecord.builder().data(ByteBuffer.wrap(("{\"v\":1,\"sensorId\":\"s\",\"ts\":" + ts
                + ",\"value\":1}").getBytes(StandardCharsets.UTF_8))).build();
    }

    @Test
    void aTimeBeyondTheSkewPastItsArrivalDoesNotMoveTheShardHoweverLateItIsRead() {
        // read hours later (catching up), the reading an hour ahead of its arrival is still the one the job refuses
        assertThat(times.span(List.of(reading(ARRIVAL + 3_600_000)), ARRIVAL)).isNull();
        assertThat(times.span(List.of(reading(ARRIVAL - 5_000), reading(ARRIVAL + 3_600_000)), ARRIVAL))
                .isEqualTo(new EventTimes.Span(ARRIVAL - 5_000, ARRIVAL - 5_000));
    }
}
