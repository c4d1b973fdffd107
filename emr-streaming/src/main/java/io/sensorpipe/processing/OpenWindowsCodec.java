package io.sensorpipe.processing;

import io.sensorpipe.window.ClosedWindow;
import io.sensorpipe.window.SensorWindowState;
import io.sensorpipe.window.TumblingWindows;
import io.sensorpipe.window.WindowStateCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code windows} column of a sensor's state row: a versioned envelope ({@code 'O' 'W'}, version, processing
 * time of the sensor's newest arrival) around {@link WindowStateCodec}'s bytes. The arrival time lets a quiet
 * sensor close its windows by processing time. Version 2 adds the closed windows the sensor's model scored since
 * its snapshot ({@link WindowStateCodec#encodeClosed}): the snapshot plus these windows replayed is the model, so
 * the snapshot need not be rewritten at every close (see {@link SensorStateFunction}). Version 3 adds the newest
 * event time whose silence was already judged ({@link SensorStateFunction}: a sensor gone silent is flagged once).
 * Version 1 and 2 rows stay readable (no windows since the snapshot; no silence judged). Rows of releases that
 * stored Java-serialized windows are refused like any unreadable row (the caller resets that sensor's open windows
 * and counts it).
 */
final class OpenWindowsCodec {
    static final int VERSION = 3;
    /** No silence judged yet, and not known whether the sensor's silence would be a fault (ask its model). */
    static final long NONE = Long.MIN_VALUE;
    /** No silence judged yet; at its last close the sensor's model said its silence would be a fault. */
    static final long FLAGGABLE = Long.MIN_VALUE + 1;
    private static final int HEADER = 3 + 8;

    /**
     * Decoded row: the open windows, when the sensor's newest reading arrived (processing time, ms), the windows
     * scored since the model's snapshot, in order (a mutable list), and the newest event time whose silence was
     * judged ({@link #NONE} if none).
     */
    record OpenWindows(SensorWindowState state, long lastArrivalMs, List<ClosedWindow> sinceSnapshot,
                       long silenceJudgedFor) {
    }

    private OpenWindowsCodec() {
    }

    static byte[] encode(SensorWindowState state, long lastArrivalMs, List<ClosedWindow> sinceSnapshot,
                         long silenceJudgedFor) {
        byte[] windows = WindowStateCodec.encode(state);
        byte[] scored = WindowStateCodec.encodeClosed(sinceSnapshot, state.windows());
        ByteBuffer b = ByteBuffer.allocate(HEADER + 8 + 4 + windows.length + scored.length);
        b.put((byte) 'O').put((byte) 'W').put((byte) VERSION).putLong(lastArrivalMs).putLong(silenceJudgedFor)
                .putInt(windows.length).put(windows).put(scored);
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
        long lastArrival = ByteBuffer.wrap(bytes, 3, 8).getLong();
        if (bytes[2] == 1) {
            return new OpenWindows(WindowStateCodec.decode(Arrays.copyOfRange(bytes, HEADER, bytes.length), sensorId,
                    windows), lastArrival, new ArrayList<>(), NONE);
        }
        if (bytes[2] != 2 && bytes[2] != VERSION) {
            throw new IllegalArgumentException("open-windows row version " + bytes[2] + " is not readable here");
        }
        int at = HEADER;
        long silenceJudgedFor = NONE;
        if (bytes[2] == VERSION) {
            if (bytes.length < HEADER + 8) {
                throw new IllegalArgumentException("open-windows row is truncated");
            }
            silenceJudgedFor = ByteBuffer.wrap(bytes, HEADER, 8).getLong();
            at += 8;
        }
        if (bytes.length < at + 4) {
            throw new IllegalArgumentException("open-windows row is truncated");
        }
        int length = ByteBuffer.wrap(bytes, at, 4).getInt();
        if (length < 0 || (long) at + 4 + length > bytes.length) {
            throw new IllegalArgumentException("open-windows length " + length + " does not fit the row");
        }
        int scoredFrom = at + 4 + length;
        SensorWindowState open = WindowStateCodec.decode(Arrays.copyOfRange(bytes, at + 4, scoredFrom), sensorId,
                windows);
        List<ClosedWindow> scored = WindowStateCodec.decodeClosed(Arrays.copyOfRange(bytes, scoredFrom, bytes.length),
                sensorId, windows);
        return new OpenWindows(open, lastArrival, new ArrayList<>(scored), silenceJudgedFor);
    }
}
