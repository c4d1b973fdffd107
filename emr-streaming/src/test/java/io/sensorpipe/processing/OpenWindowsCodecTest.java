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
import java.util.List;
import org.junit.jupiter.api.Test;

/** The open-windows column: the windows scored since the model's snapshot ride along; older rows stay readable. */
class OpenWindowsCodecTest {
    private static final TumblingWindows MINUTE = new TumblingWindows(Duration.ofMinutes(1));

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
        byte[] row = OpenWindowsCodec.encode(s, 77L, scored);
        OpenWindowsCodec.OpenWindows back = OpenWindowsCodec.decode(row, "s", MINUTE);
        assertThat(back.lastArrivalMs()).isEqualTo(77L);
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
        assertThat(WindowStateCodec.encode(back.state())).isEqualTo(windows);
    }

    @Test
    void truncatedOrNewerRowsAreRefusedWithAReason() {
        SensorWindowState s = open();
        byte[] row = OpenWindowsCodec.encode(s, 1L, s.closeUpTo(60_000));
        assertThatThrownBy(() -> OpenWindowsCodec.decode(Arrays.copyOf(row, 20), "s", MINUTE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> OpenWindowsCodec.decode(Arrays.copyOf(row, row.length - 2), "s", MINUTE))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] newer = row.clone();
        newer[2] = 3;
        assertThatThrownBy(() -> OpenWindowsCodec.decode(newer, "s", MINUTE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 3");
    }
}
