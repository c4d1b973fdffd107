package io.sensorpipe.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads an archive object's GZIP body (the framing {@link ArchiveLayout} names): every member of it, also when there
 * are several. The JDK's {@code GZIPInputStream} decides whether another member follows by asking the stream's
 * {@code available()}; an S3 response stream may answer 0 at a member's end though more follows, and the object
 * then silently ends early (JDK-7036144, seen on 17.0.15). The stream given here answers by reading one byte ahead.
 */
public final class ArchiveGzip {
    private ArchiveGzip() {
    }

    /** The uncompressed bytes of {@code object}, all members. */
    public static InputStream open(InputStream object) throws IOException {
        return new GZIPInputStream(new LookAhead(object), 64 * 1024);
    }

    /** {@code available()} is positive exactly when a byte follows (blocking for it, as the reader would anyway). */
    private static final class LookAhead extends PushbackInputStream {
        LookAhead(InputStream in) {
            super(in, 1);
        }

        @Override
        public int available() throws IOException {
            int n = super.available();
            if (n > 0) {
                return n;
            }
            int b = read();
            if (b < 0) {
                return 0;
            }
            unread(b);
            return 1;
        }
    }
}
