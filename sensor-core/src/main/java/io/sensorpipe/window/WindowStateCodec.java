package io.sensorpipe.window;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * The explicit, versioned binary form of one sensor's {@link SensorWindowState} (open windows, their exact partial
 * sums and accepted event times, late/duplicate counters), as the streaming job keeps it in its state store.
 * Not Java serialization: a changed class must not make a checkpoint unreadable, so every version this codec ever
 * wrote stays readable ({@code WindowStateCodecTest} holds golden bytes of each), and anything it cannot read is
 * reported with {@link IllegalArgumentException} for the caller to reset that one sensor (a {@link WindowSizeChanged}
 * is read again with its stored size and carried over: {@link SensorWindowState#changeSize}).
 *
 * <p>Version 1, big-endian: {@code 'W' 'S' 1}, window size ms, closedUpTo, lateCount, duplicateCount (longs),
 * open-window count (int), then per window its start (long), count (long), min, max (doubles), firstTs, lastTs
 * (longs), the exact sum and sum of squares (overflow flag byte, naive double, partial count int, partials) and
 * its accepted event times: {@code 0} none, {@code 1} count + ascending offsets as delta varints, or {@code 2}
 * bitmap words (count int + longs), whichever is smaller. Version 2 (written only while a change of window size is
 * open, {@link TumblingWindows#changedFrom}): after the window size, the number of changes (int), then per change,
 * newest first, where it takes effect and the size before it (longs); the rest as version 1.
 */
public final class WindowStateCodec {
    public static final int VERSION = 2;
    /** The version written when no change of window size is open (most rows: readable by earlier releases). */
    static final int VERSION_WITHOUT_SIZE_CHANGE = 1;
    /**
     * Changes of window size a stored state may carry: one per restart with another {@code --window} while windows
     * of the earlier ones are open; a bound keeps a corrupt row from building a chain deep enough to overflow the stack.
     * A deeper chain (65 restarts with another size while the first change's windows are still open) is written but
     * read as unreadable: that sensor's open windows reset.
     */
    static final int MAX_SIZE_CHANGES = 64;
    private static final byte M0 = 'W';
    private static final byte M1 = 'S';
    /** Closed windows: {@code 'C' 'W'}. */
    private static final byte C0 = 'C';
    private static final byte CW1 = 'W';
    public static final int CLOSED_VERSION = 1;
    private static final byte NO_TIMES = 0;
    private static final byte DELTAS = 1;
    private static final byte BITMAP = 2;

    private WindowStateCodec() {
    }

    public static byte[] encode(SensorWindowState s) {
        TumblingWindows windows = s.windows();
        int changes = 0;
        for (TumblingWindows w = windows; w.hasSizeChange(); w = w.beforeChange()) {
            changes++;
        }
        int estimate = 48 + (changes == 0 ? 0 : 4 + 16 * changes);
        for (Map.Entry<Long, WindowAggregate> e : s.open.entrySet()) {
            BitSet seen = s.acceptedTs.get(e.getKey());
            estimate += 96 + 8 * (e.getValue().sum.size + e.getValue().sumOfSquares.size)
                    + (seen == null ? 0 : Math.min(5 * seen.cardinality(), seen.toLongArray().length * 8) + 8);
        }
        ByteBuffer b = ByteBuffer.allocate(estimate);
        b.put(M0).put(M1).put((byte) (changes == 0 ? VERSION_WITHOUT_SIZE_CHANGE : VERSION));
        b.putLong(windows.sizeMillis());
        if (changes > 0) {
            b.putInt(changes);
            for (TumblingWindows w = windows; w.hasSizeChange(); w = w.beforeChange()) {
                b.putLong(w.changeAt()).putLong(w.beforeChange().sizeMillis());
            }
        }
        b.putLong(s.closedUpTo).putLong(s.lateCount).putLong(s.duplicateCount);
        b.putInt(s.open.size());
        for (Map.Entry<Long, WindowAggregate> e : s.open.entrySet()) {
            b.putLong(e.getKey());
            putAggregate(b, e.getValue());
            putTimes(b, s.acceptedTs.get(e.getKey()));
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /**
     * A state stored with another window size (the job's window was changed on an existing checkpoint): decoded with
     * {@link #storedSizeMillis()} it reads as it was, and {@link SensorWindowState#changeSize} carries it over.
     */
    public static final class WindowSizeChanged extends IllegalArgumentException {
        private final long storedSizeMillis;

        WindowSizeChanged(String message, long storedSizeMillis) {
            super(message);
            this.storedSizeMillis = storedSizeMillis;
        }

        /** The window size the state was written with: decoding with it reads what the state holds. */
        public long storedSizeMillis() {
            return storedSizeMillis;
        }
    }

    /**
     * Reads what {@link #encode} wrote (any version) for the sensor {@code sensorId} with {@code windows}.
     *
     * @throws IllegalArgumentException when the bytes are not a readable state of these windows (corrupt, written
     *                                  by an unknown newer version, or with another window size)
     */
    public static SensorWindowState decode(byte[] bytes, String sensorId, TumblingWindows windows) {
        try {
            ByteBuffer b = body(bytes, M0, M1, VERSION, "a window state", windows);
            if (bytes[2] > VERSION_WITHOUT_SIZE_CHANGE) {
                windows = getSizeChanges(b, windows);
            }
            long closedUpTo = b.getLong();
            // a change whose windows all closed is not stored (encode follows a close, which drops it)
            SensorWindowState s = new SensorWindowState(sensorId, windows.settledAfter(closedUpTo));
            s.closedUpTo = closedUpTo;
            s.lateCount = nonNegative(b.getLong(), "lateCount");
            s.duplicateCount = nonNegative(b.getLong(), "duplicateCount");
            int n = boundedCount(b, 8 * 6);
            for (int i = 0; i < n; i++) {
                long start = b.getLong();
                if (s.windows().startOf(start) != start || s.open.containsKey(start)) {
                    throw new IllegalArgumentException("window start " + start + " is not aligned or repeated");
                }
                s.open.put(start, getAggregate(b));
                BitSet seen = getTimes(b, s.windows().endOf(start) - start);
                if (seen != null) {
                    s.acceptedTs.put(start, seen);
                }
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " unexpected trailing bytes");
            }
            return s;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("window state is truncated");
        }
    }

    /** The changes of window size stored after the size (version 2), applied to {@code windows}. */
    private static TumblingWindows getSizeChanges(ByteBuffer b, TumblingWindows windows) {
        int n = boundedCount(b, 16);
        if (n == 0 || n > MAX_SIZE_CHANGES) {
            throw new IllegalArgumentException("version 2 of a window state with " + n + " changes of window size (1.."
                    + MAX_SIZE_CHANGES + ")");
        }
        long[] at = new long[n];
        long[] sizeBefore = new long[n];
        for (int i = 0; i < n; i++) {
            at[i] = b.getLong();
            sizeBefore[i] = b.getLong();
            if (sizeBefore[i] <= 0 || sizeBefore[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("window size before a change is " + sizeBefore[i] + " ms");
            }
            if (i > 0 && at[i] >= at[i - 1]) { // newest first, each after the one before it (changedFrom)
                throw new IllegalArgumentException("changes of window size out of order: " + at[i - 1] + ", " + at[i]);
            }
        }
        TumblingWindows grid = new TumblingWindows(Duration.ofMillis(sizeBefore[n - 1]));
        for (int i = n - 1; i >= 0; i--) {
            TumblingWindows after = new TumblingWindows(
                    Duration.ofMillis(i == 0 ? windows.sizeMillis() : sizeBefore[i - 1]));
            grid = after.changedFrom(grid, at[i]);
        }
        return grid;
    }

    /**
     * Closed windows in the same exact form (the windows a model learnt since its last snapshot, which replay it
     * to exactly where it was). Version 1, big-endian: {@code 'C' 'W' 1}, window size ms, count (int), then per
     * window its start and its aggregate as in an open window (no accepted times: a closed window takes no more).
     */
    public static byte[] encodeClosed(List<ClosedWindow> closed, TumblingWindows windows) {
        int estimate = 16;
        for (ClosedWindow w : closed) {
            estimate += 8 + 74 + 8 * (w.aggregate().sum.size + w.aggregate().sumOfSquares.size);
        }
        ByteBuffer b = ByteBuffer.allocate(estimate);
        b.put(C0).put(CW1).put((byte) CLOSED_VERSION).putLong(windows.sizeMillis()).putInt(closed.size());
        for (ClosedWindow w : closed) {
            b.putLong(w.windowStart());
            putAggregate(b, w.aggregate());
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /**
     * Reads what {@link #encodeClosed} wrote, as windows of {@code sensorId}.
     *
     * @throws IllegalArgumentException when the bytes are not readable closed windows of these windows
     */
    public static List<ClosedWindow> decodeClosed(byte[] bytes, String sensorId, TumblingWindows windows) {
        try {
            ByteBuffer b = body(bytes, C0, CW1, CLOSED_VERSION, "closed windows", windows);
            int n = boundedCount(b, 8 * 6);
            List<ClosedWindow> out = new ArrayList<>(n);
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                long start = b.getLong();
                if (windows.startOf(start) != start || start <= previous) {
                    throw new IllegalArgumentException("closed window start " + start + " is not aligned or in order");
                }
                previous = start;
                out.add(new ClosedWindow(sensorId, start, windows.endOf(start), getAggregate(b)));
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " unexpected trailing bytes");
            }
            return out;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("closed windows are truncated");
        }
    }

    /**
     * The bytes after the header ({@code m0 m1 version}) and the window size, which must be {@code windows}'.
     *
     * @throws BufferUnderflowException when too short for the window size (callers report it as truncated)
     */
    private static ByteBuffer body(byte[] bytes, byte m0, byte m1, int version, String what, TumblingWindows windows) {
        if (bytes == null || bytes.length < 3 || bytes[0] != m0 || bytes[1] != m1) {
            throw new IllegalArgumentException("not " + what + " (no '" + (char) m0 + (char) m1 + "' header)");
        }
        if (bytes[2] < 1 || bytes[2] > version) {
            throw new IllegalArgumentException("version " + bytes[2] + " of " + what + " is not readable here (reads "
                    + version + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 3, bytes.length - 3);
        long size = b.getLong();
        if (size != windows.sizeMillis()) {
            throw new WindowSizeChanged(what + " of " + size + " ms windows, the job now " + windows.sizeMillis()
                    + " ms", size);
        }
        return b;
    }

    private static void putAggregate(ByteBuffer b, WindowAggregate a) {
        b.putLong(a.count).putDouble(a.min).putDouble(a.max).putLong(a.firstTs).putLong(a.lastTs);
        putSum(b, a.sum);
        putSum(b, a.sumOfSquares);
    }

    private static WindowAggregate getAggregate(ByteBuffer b) {
        WindowAggregate a = WindowAggregate.empty();
        a.count = nonNegative(b.getLong(), "count");
        a.min = b.getDouble();
        a.max = b.getDouble();
        a.firstTs = b.getLong();
        a.lastTs = b.getLong();
        getSum(b, a.sum);
        getSum(b, a.sumOfSquares);
        return a;
    }

    private static void putSum(ByteBuffer b, ExactSum sum) {
        b.put((byte) (sum.overflowed ? 1 : 0)).putDouble(sum.naive).putInt(sum.size);
        for (int i = 0; i < sum.size; i++) {
            b.putDouble(sum.partials[i]);
        }
    }

    private static void getSum(ByteBuffer b, ExactSum sum) {
        sum.overflowed = b.get() != 0;
        sum.naive = b.getDouble();
        int n = boundedCount(b, 8);
        sum.partials = new double[Math.max(4, n)];
        for (int i = 0; i < n; i++) {
            sum.partials[i] = b.getDouble();
        }
        sum.size = n;
    }

    private static void putTimes(ByteBuffer b, BitSet seen) {
        if (seen == null || seen.isEmpty()) {
            b.put(NO_TIMES);
            return;
        }
        long[] words = seen.toLongArray();
        int cardinality = seen.cardinality();
        if (cardinality * 5L < words.length * 8L) { // a delta varint takes at most 5 bytes (offsets are ints)
            b.put(DELTAS).putInt(cardinality);
            int previous = 0;
            for (int i = seen.nextSetBit(0); i >= 0; i = seen.nextSetBit(i + 1)) {
                putVarint(b, i - previous);
                previous = i;
            }
        } else {
            b.put(BITMAP).putInt(words.length);
            for (long w : words) {
                b.putLong(w);
            }
        }
    }

    private static BitSet getTimes(ByteBuffer b, long windowMillis) {
        byte kind = b.get();
        if (kind == NO_TIMES) {
            return null;
        }
        BitSet seen;
        if (kind == DELTAS) {
            int n = boundedCount(b, 1);
            seen = new BitSet();
            long offset = 0;
            for (int i = 0; i < n; i++) {
                offset += getVarint(b);
                if (offset >= windowMillis) {
                    throw new IllegalArgumentException("accepted time offset " + offset + " outside its window");
                }
                seen.set((int) offset);
            }
        } else if (kind == BITMAP) {
            int n = boundedCount(b, 8);
            long[] words = new long[n];
            for (int i = 0; i < n; i++) {
                words[i] = b.getLong();
            }
            seen = BitSet.valueOf(words);
            if (seen.length() > windowMillis) {
                throw new IllegalArgumentException("accepted time bitmap longer than its window");
            }
        } else {
            throw new IllegalArgumentException("unknown accepted-times kind " + kind);
        }
        return seen;
    }

    private static void putVarint(ByteBuffer b, int v) {
        while ((v & ~0x7F) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    private static int getVarint(ByteBuffer b) {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte x = b.get();
            v |= (x & 0x7F) << shift;
            if (x >= 0) {
                if (v < 0) {
                    break;
                }
                return v;
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }

    /** A count read from the bytes, refused when the rest could not hold that many items of {@code minBytes}. */
    private static int boundedCount(ByteBuffer b, int minBytes) {
        int n = b.getInt();
        if (n < 0 || (long) n * minBytes > b.remaining()) {
            throw new IllegalArgumentException("count " + n + " does not fit the " + b.remaining() + " bytes left");
        }
        return n;
    }

    private static long nonNegative(long v, String field) {
        if (v < 0) {
            throw new IllegalArgumentException(field + " is negative: " + v);
        }
        return v;
    }
}
