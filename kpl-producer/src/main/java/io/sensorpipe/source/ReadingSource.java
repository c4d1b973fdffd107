package io.sensorpipe.source;

import io.sensorpipe.schema.Reading;
import java.io.IOException;

/** A stream of readings in event-time order; {@link #next()} returns null at the end (never, for a simulator). */
public interface ReadingSource extends AutoCloseable {

    Reading next() throws IOException;

    @Override
    default void close() throws IOException {
    }
}
