package io.sensorpipe.sink;

import java.io.Serializable;
import java.util.function.Supplier;

/**
 * How an executor-side sink gets its AWS client: a serializable supplier (e.g. {@code JobAwsClients::sharedDynamo})
 * shipped with the task, since clients themselves cannot be serialized.
 */
@FunctionalInterface
public interface ClientFactory<T> extends Supplier<T>, Serializable {
}
