package io.sensorpipe.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.SensorWindowState;
import io.sensorpipe.window.TumblingWindows;
import io.sensorpipe.window.WindowStateCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The open-windows column: the windows scored since the model's snapshot ride along; older rows stay readable. */
class OpenWindowsCodecTest {
    private static final TumblingWindows MINUTE = new TumblingWindows(Duration.ofMinutes(1));
    /**
     * Version 2 bytes of {@link #sampleRow()}, written by the release that introduced version 2. A later release must
     * still read them (a checkpoint written before an upgrade), so this constant is never regenerated.
     */
    private static final String V2_GOLDEN = "4f5702000000000000004d00000089575301000000000000ea60000000000001d4c00000000000000000000000000000"
            + "000000000001000000000001d4c0000000000000000240200000000000004022000000000000000000000001d4c00000"
            + "000000020f58004031000000000000000000014031000000000000004062200000000000000000014062200000000000"
            + "0100000002009875435701000000000000ea600000000200000000000000000000000000000004000000000000000040"
            + "080000000000000000000000000000000000000000afc800401800000000000000000001401800000000000000402c00"
            + "000000000000000001402c000000000000000000000000ea6000000000000000044010000000000000401c0000000000"
            + "00000000000000ea600000000000019a2800403600000000000000000001403600000000000000405f80000000000000"
            + "000001405f800000000000";

    /** Version 3 bytes of {@link #sampleRow()}; never regenerated (see {@link #V2_GOLDEN}). */
    private static final String V3_GOLDEN = "4f5703000000000000004d000000000000002a00000089575301000000000000ea60000000000001d4c0000000000000"
            + "0000000000000000000000000001000000000001d4c00000000000000002402000000000000040220000000000000000"
            + "00000001d4c00000000000020f5800403100000000000000000001403100000000000000406220000000000000000001"
            + "40622000000000000100000002009875435701000000000000ea60000000020000000000000000000000000000000400"
            + "0000000000000040080000000000000000000000000000000000000000afc80040180000000000000000000140180000"
            + "0000000000402c00000000000000000001402c000000000000000000000000ea60000000000000000440100000000000"
            + "00401c000000000000000000000000ea600000000000019a280040360000000000000000000140360000000000000040"
            + "5f80000000000000000001405f800000000000";

    /** Open windows, an arrival time, two windows scored since the snapshot and a judged silence. */
    static byte[] sampleRow() {
        SensorWindowState s = open();
        return OpenWindowsCodec.encode(s, 77L, s.closeUpTo(120_000), 42L);
    }

    private static SensorWindowState open() {
        SensorWindowState s = new SensorWindowState("s", MINUTE);
        for (int i = 0; i < 10; i++) {
            s.offer(i * 15_000L, i, 0);
        }
        return s;
    }

    @Test
    void openWindowsArrivalAndWindowsScoredSinceTheSnapshotRoundTrip() {
        SensorWindowState s = open();
        List<ClosedWindow> scored = s.closeUpTo(120_000);
        byte[] row = OpenWindowsCodec.encode(s, 77L, scored, 42L);
        OpenWindowsCodec.OpenWindows back = OpenWindowsCodec.decode(row, "s", MINUTE);
        assertThat(back.lastArrivalMs()).isEqualTo(77L);
        assertThat(back.silenceJudgedFor()).isEqualTo(42L);
        assertThat(back.sinceSnapshot()).isEqualTo(scored).hasSize(2);
        assertThat(WindowStateCodec.encode(back.state())).isEqualTo(WindowStateCodec.encode(s));
        back.sinceSnapshot().clear(); // the caller appends to it and clears it at a snapshot
    }

    @Test
    void versionOneRowOfThePreviousReleaseReadsWithNoWindowsSinceTheSnapshot() {
        SensorWindowState s = open();
        byte[] windows = WindowStateCodec.encode(s);
        byte[] v1 = ByteBuffer.allocate(11 + windows.length).put((byte) 'O').put((byte) 'W').put((byte) 1)
                .putLong(5L).put(windows).array();
        OpenWindowsCodec.OpenWindows back = OpenWindowsCodec.decode(v1, "s", MINUTE);
        assertThat(back.lastArrivalMs()).isEqualTo(5L);
        assertThat(back.sinceSnapshot()).isEmpty();
        assertThat(back.silenceJudgedFor()).isEqualTo(OpenWindowsCodec.NONE);
        assertThat(WindowStateCodec.encode(back.state())).isEqualTo(windows);
    }

    @Test
    void version3BytesArePinned() {
        // printed once when version 3 was introduced; from the next version on, this becomes a "stays readable" test
        assertThat(HexFormat.of().formatHex(sampleRow())).isEqualTo(V3_GOLDEN);
        OpenWindowsCodec.OpenWindows back = OpenWindowsCodec.decode(HexFormat.of().parseHex(V3_GOLDEN), "s", MINUTE);
        assertThat(back.silenceJudgedFor()).isEqualTo(42L);
        assertThat(back.lastArrivalMs()).isEqualTo(77L);
    }

    @Test
    void version2BytesOfAnEarlierReleaseStayReadable() {
        OpenWindowsCodec.OpenWindows back = OpenWindowsCodec.decode(HexFormat.of().parseHex(V2_GOLDEN), "s", MINUTE);
        SensorWindowState s = open();
        List<ClosedWindow> scored = s.closeUpTo(120_000);
        assertThat(back.lastArrivalMs()).isEqualTo(77L);
        assertThat(back.sinceSnapshot()).isEqualTo(scored);
        assertThat(back.silenceJudgedFor()).isEqualTo(OpenWindowsCodec.NONE);
        assertThat(WindowStateCodec.encode(back.state())).isEqualTo(WindowStateCodec.encode(s));
    }

    @Test
    void damagedRowsAreRefusedWithAReasonNeverAnotherException() {
        byte[] good = sampleRow();
        for (int length : new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, -1, good.length}) {
            byte[] bad = good.clone();
            ByteBuffer.wrap(bad, 19, 4).putInt(length);
            assertThatThrownBy(() -> OpenWindowsCodec.decode(bad, "s", MINUTE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
        }
        java.util.Random rnd = new java.util.Random(5);
        for (int i = 0; i < 2_000; i++) { // random damage: refused or decoded, never another exception
            byte[] bad = good.clone();
            bad[3 + rnd.nextInt(bad.length - 3)] ^= (byte) (1 << rnd.nextInt(8));
            try {
                OpenWindowsCodec.decode(bad, "s", MINUTE);
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void truncatedOrNewerRowsAreRefusedWithAReason() {
        SensorWindowState s = open();
        byte[] row = OpenWindowsCodec.encode(s, 1L, s.closeUpTo(60_000), OpenWindowsCodec.NONE);
        assertThatThrownBy(() -> OpenWindowsCodec.decode(Arrays.copyOf(row, 25), "s", MINUTE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> OpenWindowsCodec.decode(Arrays.copyOf(row, row.length - 2), "s", MINUTE))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] newer = row.clone();
        newer[2] = 4;
        assertThatThrownBy(() -> OpenWindowsCodec.decode(newer, "s", MINUTE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 4");
    }
}
