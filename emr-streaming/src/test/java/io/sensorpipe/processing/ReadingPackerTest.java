package io.sensorpipe.processing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.ReadingCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Packing before the shuffle: every reading kept once, in order per sensor and shard, with bounded packs. */
class ReadingPackerTest {
    private long seq;

    private ParsedRecord reading(String sensor, String shard, long ts, double value) {
        ParsedRecord r = TestReadings.reading(sensor, shard, Long.toString(++seq), ts, value);
        r.setSubSequenceNumber(seq % 3);
        return r;
    }

    private static ParsedRecord reject(String seq) {
        ParsedRecord r = new ParsedRecord();
        r.setValid(false);
        r.setRouteKey(ParsedRecord.deadLetterKey("shard-0", seq, 0));
        r.setReason("MALFORMED_JSON");
        r.setMessage("not JSON");
        r.setData(new byte[] {'{', 'x'});
        r.setStreamName("readings");
        r.setShardId("shard-0");
        r.setSequenceNumber(seq);
        return r;
    }

    private static List<ReadingPack> packAll(ReadingPacker packer) {
        List<ReadingPack> out = new ArrayList<>();
        packer.forEachRemaining(out::add);
        return out;
    }

    /** (sensor, shard, sequence number, ts, value) of every reading in the packs, in pack order. */
    private static List<String> unpacked(List<ReadingPack> packs) {
        List<String> out = new ArrayList<>();
        for (ReadingPack p : packs) {
            for (int i = 0; i < p.readings(); i++) {
                out.add(p.getRouteKey() + "|" + p.getShardId() + "|" + p.getSequenceNumbers()[i] + "/"
                        + p.getSubSequenceNumbers()[i] + "|" + p.getTs()[i] + "|" + p.getValues()[i]);
            }
        }
        return out;
    }

    private static String line(ParsedRecord r) {
        return r.getRouteKey() + "|" + r.getShardId() + "|" + r.getSequenceNumber() + "/" + r.getSubSequenceNumber()
                + "|" + r.getTs() + "|" + r.getValue();
    }

    @Test
    void oneSensorsReadingsFromOneShardBecomeOnePackInArrivalOrderWithTheNewestEventTime() {
        List<ParsedRecord> in = List.of(reading("s1", "shard-0", 3_000, 1.0), reading("s2", "shard-0", 1_000, 2.0),
                reading("s1", "shard-0", 2_000, 3.0), reading("s1", "shard-1", 9_000, 4.0),
                reading("s1", "shard-0", 2_000, 3.0)); // a duplicate stays: dedup is the state step's

        List<ReadingPack> packs = packAll(new ReadingPacker(in.iterator()));

        assertThat(packs).extracting(ReadingPack::getRouteKey, ReadingPack::getShardId, ReadingPack::readings)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("s1", "shard-0", 3),
                        org.assertj.core.groups.Tuple.tuple("s2", "shard-0", 1),
                        org.assertj.core.groups.Tuple.tuple("s1", "shard-1", 1));
        assertThat(packs.get(0).getEventTime().getTime()).isEqualTo(3_000);
        assertThat(packs.get(0).getTs()).containsExactly(3_000, 2_000, 2_000);
        assertThat(unpacked(packs)).containsExactlyInAnyOrderElementsOf(in.stream().map(ReadingPackerTest::line)
                .toList());
        assertThat(packs).allSatisfy(p -> assertThat(p.isValid()).isTrue());
    }

    @Test
    void rejectsPassOneByOneWithTheirRawBytesAndPosition() {
        List<ParsedRecord> in = List.of(reading("s1", "shard-0", 1_000, 1.0), reject("77"), reject("78"));

        List<ReadingPack> packs = packAll(new ReadingPacker(in.iterator()));

        List<ReadingPack> rejects = packs.stream().filter(p -> !p.isValid()).toList();
        assertThat(rejects).extracting(p -> p.getSequenceNumbers()[0]).containsExactly("77", "78");
        JobOutput letter = JobOutput.rejected(rejects.get(0), 5L);
        assertThat(letter.getKind()).isEqualTo(JobOutput.DEAD);
        assertThat(letter.getData()).containsExactly('{', 'x');
        assertThat(letter.getReason()).isEqualTo("MALFORMED_JSON");
        assertThat(letter.getSequenceNumber()).isEqualTo("77");
        assertThat(rejects.get(0).getRouteKey()).startsWith(ParsedRecord.DEAD_LETTER_PREFIX);
    }

    @Test
    void packsAndTheBufferAreBoundedAndEveryReadingIsKeptOnce() {
        List<ParsedRecord> in = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            in.add(reading("s" + i % 7, "shard-" + i % 2, 1_000L * i, i));
        }

        List<ReadingPack> packs = packAll(new ReadingPacker(in.iterator(), 16, 50));

        assertThat(packs).allSatisfy(p -> assertThat(p.readings()).isBetween(1, 16));
        assertThat(unpacked(packs)).containsExactlyInAnyOrderElementsOf(in.stream().map(ReadingPackerTest::line)
                .toList());
        // within one sensor and shard the order of arrival holds across packs
        List<String> s3shard1 = unpacked(packs).stream().filter(l -> l.startsWith("s3|shard-1|")).toList();
        assertThat(s3shard1).containsExactlyElementsOf(in.stream().map(ReadingPackerTest::line)
                .filter(l -> l.startsWith("s3|shard-1|")).toList());
    }

    @Test
    void aChangedUnitStartsANewPackSoEveryReadingKeepsItsOwn() {
        ParsedRecord celsius = reading("s1", "shard-0", 1_000, 20.0);
        ParsedRecord fahrenheit = reading("s1", "shard-0", 2_000, 68.0);
        fahrenheit.setUnit("F");
        ParsedRecord again = reading("s1", "shard-0", 3_000, 69.0);
        again.setUnit("F");

        List<ReadingPack> packs = packAll(new ReadingPacker(List.of(celsius, fahrenheit, again).iterator()));

        assertThat(packs).extracting(ReadingPack::getUnit, ReadingPack::readings).containsExactly(
                org.assertj.core.groups.Tuple.tuple("C", 1), org.assertj.core.groups.Tuple.tuple("F", 2));
        assertThat(new String(packs.get(0).readingJson(0), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"unit\":\"C\"");
    }

    @Test
    void aDeadLetteredReadingOfAPackIsTheReadingAsParsedAndNamesItsPosition() throws Exception {
        ReadingPack pack = packAll(new ReadingPacker(List.of(reading("site-a/p1", "shard-3", 1_000, 1.5),
                reading("site-a/p1", "shard-3", 2_000, -2.25)).iterator())).get(0);

        JobOutput late = JobOutput.deadLetter(JobOutput.LATE, pack, 1, JobOutput.LATE, "closed", 9L);

        assertThat(ReadingCodec.MAPPER.readValue(late.getData(), Reading.class))
                .isEqualTo(new Reading(Reading.SCHEMA_VERSION, "site-a/p1", "temperature", "a", 2_000, -2.25, "C"));
        assertThat(late.getSensorId()).isEqualTo("site-a/p1");
        assertThat(late.getEventTs()).isEqualTo(2_000);
        assertThat(late.getShardId()).isEqualTo("shard-3");
        assertThat(late.getSequenceNumber()).isEqualTo(pack.getSequenceNumbers()[1]);
        assertThat(late.getSubSequenceNumber()).isEqualTo(pack.getSubSequenceNumbers()[1]);
    }
}
