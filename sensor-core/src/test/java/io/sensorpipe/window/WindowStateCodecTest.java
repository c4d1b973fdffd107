package io.sensorpipe.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowStateCodecTest {
    private static final TumblingWindows MINUTE = new TumblingWindows(Duration.ofMinutes(1));

    /**
     * Version 1 bytes of {@link #sample()}, written by the first release of the codec. A later release must still
     * read them (a checkpoint written before an upgrade), so this constant is never regenerated.
     */
    private static final String V1_GOLDEN = "575301000000000000ea60000000000000ea600000000000000001000000000000000100000002000000000000ea6000"
            + "00000000000002c0080000000000004002000000000000000000000000ee48000000000000f42400bfe8000000000000"
            + "00000001bfe800000000000000402c20000000000000000001402c2000000000000100000002e807dc0b000000000001"
            + "d4c000000000000000c800000000000000004033e66666666667000000000001d4c0000000000001da3100409f180000"
            + "00000100000006bc80000000000000bca00000000000003cc0000000000000bce00000000000003d3e00000000000040"
            + "9f1800000000000040d9d8c000000001000000053997d00000000000b9c000000000000039f8000000000000bd6efff3"
            + "3333333240d9d8c000000001020000001681020408102040814081020408102040204081020408102010204081020408"
            + "100810204081020408040810204081020402040810204081028102040810204081408102040810204020408102040810"
            + "201020408102040810081020408102040804081020408102040204081020408102810204081020408140810204081020"
            + "402040810204081020102040810204081008102040810204080408102040810204020408102040810200020408102040"
            + "81";

    /** 'CW' version 1 bytes of {@link #sample()}'s windows, closed; written by the release that introduced it. */
    private static final String CW1_GOLDEN = "435701000000000000ea6000000002000000000000ea600000000000000002c008000000000000400200000000000000"
            + "0000000000ee48000000000000f42400bfe800000000000000000001bfe800000000000000402c200000000000000000"
            + "01402c200000000000000000000001d4c000000000000000c800000000000000004033e66666666667000000000001d4"
            + "c0000000000001da3100409f18000000000100000006bc80000000000000bca00000000000003cc0000000000000bce0"
            + "0000000000003d3e000000000000409f1800000000000040d9d8c000000001000000053997d00000000000b9c0000000"
            + "00000039f8000000000000bd6efff33333333240d9d8c000000001";

    /** Version 2: the state of {@link #changedTwice()} (10 s, then 60 s, then 20 s windows), as this release wrote it. */
    private static final String V2_GOLDEN = "5753020000000000004e2000000002000000000000ea60000000000000ea600000000000004e20000000000000271080"
            + "000000000000000000000000000000000000000000000000000003000000000000000000000000000000013ff8000000"
            + "0000003ff800000000000000000000000003e800000000000003e8003ff8000000000000000000013ff8000000000000"
            + "0040020000000000000000000140020000000000000100000001e8070000000000002710000000000000000140040000"
            + "0000000040040000000000000000000000002ee00000000000002ee00040040000000000000000000140040000000000"
            + "000040190000000000000000000140190000000000000100000001d00f0000000000004e200000000000000001400c00"
            + "0000000000400c00000000000000000000000061a800000000000061a800400c00000000000000000001400c00000000"
            + "000000402880000000000000000001402880000000000001000000018827";

    /** Two open windows (one sparse, one dense enough for the bitmap form), a closed one, a late and a duplicate. */
    private static SensorWindowState sample() {
        SensorWindowState s = new SensorWindowState("site/pump-1/t", MINUTE);
        s.offer(1_000, 1.5, 0);
        s.offer(61_000, 2.25, 0);
        s.offer(61_000, 2.25, 0); // duplicate
        s.closeUpTo(60_000);
        s.offer(2_000, 9.0, 60_000); // late
        s.offer(62_500, -3.0, 60_000);
        for (int i = 0; i < 200; i++) {
            s.offer(120_000 + i * 7L, 0.1 * i, 60_000);
        }
        return s;
    }

    @Test
    void roundTripKeepsEveryWindowCountersAndDedupMemory() {
        SensorWindowState s = sample();
        SensorWindowState back = WindowStateCodec.decode(WindowStateCodec.encode(s), s.sensorId(), MINUTE);
        assertSameState(back, s);
        // dedup memory survives: a repeat is still a duplicate, a reading of the closed window still late
        assertThat(back.offer(62_500, 5.0, 60_000)).isEqualTo(SensorWindowState.Acceptance.DUPLICATE);
        assertThat(back.offer(120_007, 5.0, 60_000)).isEqualTo(SensorWindowState.Acceptance.DUPLICATE);
        assertThat(back.offer(3_000, 5.0, 0)).isEqualTo(SensorWindowState.Acceptance.LATE);
        assertThat(back.offer(62_501, 5.0, 60_000)).isEqualTo(SensorWindowState.Acceptance.ACCEPTED);
    }

    @Test
    void randomStatesRoundTripBitForBit() {
        Random rnd = new Random(7);
        for (int round = 0; round < 50; round++) {
            SensorWindowState s = new SensorWindowState("s" + round, MINUTE);
            int n = rnd.nextInt(500);
            for (int i = 0; i < n; i++) {
                s.offer(rnd.nextInt(300_000), rnd.nextGaussian() * Math.pow(10, rnd.nextInt(30) - 15), 0);
            }
            byte[] bytes = WindowStateCodec.encode(s);
            SensorWindowState back = WindowStateCodec.decode(bytes, s.sensorId(), MINUTE);
            assertSameState(back, s);
            assertThat(WindowStateCodec.encode(back)).isEqualTo(bytes);
        }
    }

    @Test
    void version1BytesOfAnEarlierReleaseStayReadable() {
        SensorWindowState back = WindowStateCodec.decode(HexFormat.of().parseHex(V1_GOLDEN), "site/pump-1/t", MINUTE);
        assertSameState(back, sample());
    }

    @Test
    void dedupMemoryOfAWindowIsBoundedByItsSize() {
        SensorWindowState s = new SensorWindowState("s", MINUTE);
        for (int i = 0; i < 60_000; i++) { // every millisecond of the window: the densest a window can get
            s.offer(i, 1.0, Long.MIN_VALUE);
        }
        assertThat(WindowStateCodec.encode(s).length).isLessThan(60_000 / 8 + 200);
    }

    @Test
    void corruptTruncatedForeignOrNewerBytesAreRefusedWithAReason() {
        byte[] good = WindowStateCodec.encode(sample());
        assertThatThrownBy(() -> WindowStateCodec.decode(new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5}, "s", MINUTE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header");
        assertThatThrownBy(() -> WindowStateCodec.decode(java.util.Arrays.copyOf(good, good.length - 3), "s", MINUTE))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] newer = good.clone();
        newer[2] = 9;
        assertThatThrownBy(() -> WindowStateCodec.decode(newer, "s", MINUTE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 9");
        assertThatThrownBy(() -> WindowStateCodec.decode(good, "s", new TumblingWindows(Duration.ofSeconds(10))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10000 ms");
        assertRandomDamageIsRefusedOrDecoded(good, bad -> WindowStateCodec.decode(bad, "s", MINUTE));
    }

    @Test
    void closedWindowsRoundTripExactlyInOrder() {
        Random rnd = new Random(3);
        SensorWindowState s = new SensorWindowState("s", MINUTE);
        for (int i = 0; i < 400; i++) {
            s.offer(rnd.nextInt(600_000), rnd.nextGaussian() * Math.pow(10, rnd.nextInt(20) - 10), 0);
        }
        List<ClosedWindow> closed = s.closeUpTo(Long.MAX_VALUE);
        byte[] bytes = WindowStateCodec.encodeClosed(closed, MINUTE);
        List<ClosedWindow> back = WindowStateCodec.decodeClosed(bytes, "s", MINUTE);
        assertThat(back).isEqualTo(closed); // records: same sensor, bounds and (exact) aggregates
        for (int i = 0; i < back.size(); i++) {
            assertThat(back.get(i).aggregate().mean()).isEqualTo(closed.get(i).aggregate().mean());
            assertThat(back.get(i).aggregate().variance()).isEqualTo(closed.get(i).aggregate().variance());
        }
        assertThat(WindowStateCodec.encodeClosed(back, MINUTE)).isEqualTo(bytes);
        assertThat(WindowStateCodec.decodeClosed(WindowStateCodec.encodeClosed(List.of(), MINUTE), "s", MINUTE))
                .isEmpty();
    }

    @Test
    void closedWindowsVersion1BytesOfAnEarlierReleaseStayReadable() {
        List<ClosedWindow> expected = copyOf(sample()).closeUpTo(Long.MAX_VALUE);
        assertThat(WindowStateCodec.decodeClosed(HexFormat.of().parseHex(CW1_GOLDEN), "site/pump-1/t", MINUTE))
                .isEqualTo(expected);
    }

    @Test
    void closedWindowsOfAnotherSizeOrOutOfOrderAreRefused() {
        SensorWindowState s = new SensorWindowState("s", MINUTE);
        s.offer(1_000, 1.0, 0);
        s.offer(61_000, 2.0, 0);
        List<ClosedWindow> closed = s.closeUpTo(Long.MAX_VALUE);
        byte[] good = WindowStateCodec.encodeClosed(closed, MINUTE);
        assertThatThrownBy(() -> WindowStateCodec.decodeClosed(good, "s", new TumblingWindows(Duration.ofSeconds(10))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10000 ms");
        byte[] reversed = WindowStateCodec.encodeClosed(List.of(closed.get(1), closed.get(0)), MINUTE);
        assertThatThrownBy(() -> WindowStateCodec.decodeClosed(reversed, "s", MINUTE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in order");
        assertThatThrownBy(() -> WindowStateCodec.decodeClosed(WindowStateCodec.encode(s), "s", MINUTE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header");
        assertRandomDamageIsRefusedOrDecoded(good, bad -> WindowStateCodec.decodeClosed(bad, "s", MINUTE));
    }

    @Test
    void aStateWithAnOpenChangeOfWindowSizeRoundTripsAndIsWrittenAsVersion1OnceItClosed() {
        SensorWindowState s = changedTwice();
        byte[] bytes = WindowStateCodec.encode(s);
        assertThat(bytes[2]).isEqualTo((byte) 2);
        SensorWindowState back = WindowStateCodec.decode(bytes, "s", new TumblingWindows(Duration.ofSeconds(20)));
        assertThat(back.windows()).isEqualTo(s.windows());
        assertSameState(back, s);
        assertThat(WindowStateCodec.encode(back)).isEqualTo(bytes);
        assertThat(back.offer(12_000, 9, 0)).as("dedup memory of an old window").isEqualTo(
                SensorWindowState.Acceptance.DUPLICATE);
        assertThatThrownBy(() -> WindowStateCodec.decode(bytes, "s", MINUTE))
                .isInstanceOf(WindowStateCodec.WindowSizeChanged.class);
        assertRandomDamageIsRefusedOrDecoded(bytes, bad -> WindowStateCodec.decode(bad, "s",
                new TumblingWindows(Duration.ofSeconds(20))));
        back.closeUpTo(60_000);
        assertThat(WindowStateCodec.encode(back)[2]).as("no change open: readable by earlier releases").isEqualTo((byte) 1);
    }

    @Test
    void version2BytesStayReadable() {
        SensorWindowState back = WindowStateCodec.decode(HexFormat.of().parseHex(V2_GOLDEN), "s",
                new TumblingWindows(Duration.ofSeconds(20)));
        assertThat(back.windows()).isEqualTo(changedTwice().windows());
        assertSameState(back, changedTwice());
    }

    @Test
    void aSecondChangeAtTheSamePointReplacesTheFirstSoAPartlyClosedChainStaysReadable() {
        long t0 = 1_764_072_000_000L; // a full hour: a boundary of every size here
        SensorWindowState s = new SensorWindowState("s", MINUTE);
        s.offer(t0 + 10_000, 1, 0); // [t0, t0+60s) open
        s.changeSize(new TumblingWindows(Duration.ofSeconds(90))); // at t0+60s, then [60s, 90s)
        s.changeSize(new TumblingWindows(Duration.ofSeconds(120))); // at t0+60s again: [60s, 120s)
        assertThat(s.offer(t0 + 100_000, 2, 0)).isEqualTo(SensorWindowState.Acceptance.ACCEPTED);
        assertThat(s.closeUpTo(t0 + 95_000)).extracting(ClosedWindow::windowEnd).containsExactly(t0 + 60_000);
        TumblingWindows twoMinutes = new TumblingWindows(Duration.ofSeconds(120));
        SensorWindowState back = WindowStateCodec.decode(WindowStateCodec.encode(s), "s", twoMinutes);
        assertSameState(back, s);
        assertThat(back.closeUpTo(t0 + 120_000)).extracting(ClosedWindow::windowStart, ClosedWindow::windowEnd)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(t0 + 60_000, t0 + 120_000));
    }

    /** Open windows of 10 s, then the window from a change to 60 s, then a change to 20 s. */
    private static SensorWindowState changedTwice() {
        SensorWindowState s = new SensorWindowState("s", new TumblingWindows(Duration.ofSeconds(10)));
        s.offer(1_000, 1.5, 0);
        s.offer(12_000, 2.5, 0);
        s.changeSize(MINUTE);
        s.offer(25_000, 3.5, 0);
        s.changeSize(new TumblingWindows(Duration.ofSeconds(20)));
        return s;
    }

    /** 2,000 single-bit flips after the header: each is refused with a reason or decoded, never another exception. */
    private static void assertRandomDamageIsRefusedOrDecoded(byte[] good, java.util.function.Consumer<byte[]> decode) {
        Random rnd = new Random(1);
        for (int i = 0; i < 2_000; i++) {
            byte[] bad = good.clone();
            bad[3 + rnd.nextInt(bad.length - 3)] ^= (byte) (1 << rnd.nextInt(8));
            try {
                decode.accept(bad);
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    private static void assertSameState(SensorWindowState actual, SensorWindowState expected) {
        assertThat(actual.lateCount()).isEqualTo(expected.lateCount());
        assertThat(actual.duplicateCount()).isEqualTo(expected.duplicateCount());
        assertThat(actual.closedUpTo).isEqualTo(expected.closedUpTo);
        assertThat(actual.acceptedTs).isEqualTo(expected.acceptedTs);
        List<ClosedWindow> a = copyOf(actual).closeUpTo(Long.MAX_VALUE);
        List<ClosedWindow> e = copyOf(expected).closeUpTo(Long.MAX_VALUE);
        assertThat(a).hasSameSizeAs(e);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).windowStart()).isEqualTo(e.get(i).windowStart());
            assertThat(a.get(i).aggregate()).isEqualTo(e.get(i).aggregate());
            assertThat(a.get(i).aggregate().sum()).isEqualTo(e.get(i).aggregate().sum());
        }
    }

    private static SensorWindowState copyOf(SensorWindowState s) {
        return WindowStateCodec.decode(WindowStateCodec.encode(s), s.sensorId(), s.windows());
    }
}
