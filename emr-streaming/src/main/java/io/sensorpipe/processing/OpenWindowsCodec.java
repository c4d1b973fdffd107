package io.sensorpipe.processing;

import io.sensorpipe.window.SensorWindowState;
import io.sensorpipe.window.TumblingWindows;
import io.sensorpipe.window.WindowStateCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The {@code windows} column of a sensor's state row: a versioned envelope ({@code 'O' 'W'}, version, processing
 * time of the sensor's newest arrival) around {@link WindowStateCodec}'s bytes. The arrival time lets a quiet
 * sensor close its windows by processing time. Rows of releases that stored Java-serialized windows are refused
 * like any unreadable row (the caller resets that sensor's open windows and counts it).
 */
final class OpenWindowsCodec {
    static final int VERSION = 1;
    private static final int HEADER = 3 + 8;

    /** Decoded row: the open windows and when the sensor's newest reading arrived (processing time, ms). */
    record OpenWindows(SensorWindowState state, long lastArrivalMs) {
    }

    private OpenWindowsCodec() {
    }

    static byte[] encode(SensorWindowState state, long lastArrivalMs) {
        byte[] windows = WindowStateCodec.encode(state);
        ByteBuffer b = ByteBuffer.allocate(HEADER + windows.length);
        b.put((byte) 'O').put((byte) 'W').put((byte) VERSION).putLong(lastArrivalMs).put(windows);
        return b.array();
    }

    /** @throws IllegalArgumentException when the row is not readable (says why) */
    static OpenWindows decode(byte[] bytes, String sensorId, TumblingWindows windows) {
        if (bytes.length >= 2 && bytes[0] == (byte) 0xAC && bytes[1] == (byte) 0xED) {
            throw new IllegalArgumentException("open windows were stored Java-serialized by an older release");
        }
        if (bytes.length < HEADER || bytes[0] != 'O' || bytes[1] != 'W') {
            throw new IllegalArgumentException("not an open-windows row (no 'OW' header)");
        }
        if (bytes[2] != VERSION) {
            throw new IllegalArgumentException("open-windows row version " + bytes[2] + " is not readable here");
        }
        long lastArrival = ByteBuffer.wrap(bytes, 3, 8).getLong();
        return new OpenWindows(WindowStateCodec.decode(Arrays.copyOfRange(bytes, HEADER, bytes.length), sensorId,
                windows), lastArrival);
    }
}
