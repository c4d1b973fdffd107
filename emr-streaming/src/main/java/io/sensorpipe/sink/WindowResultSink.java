package io.sensorpipe.sink;

import io.sensorpipe.schema.WindowResult;
import java.io.Serializable;
import java.util.List;

/**
 * Where scored windows go. Runs in executor tasks (serialized with the task), partition by partition; a write must
 * be idempotent (same key, same content when a batch is re-run) and throw when it cannot complete, so the batch
 * fails and Spark re-runs it from the checkpoint instead of losing results.
 */
@FunctionalInterface
public interface WindowResultSink extends Serializable {
    void write(List<WindowResult> results);
}
