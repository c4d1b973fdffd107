package io.sensorpipe.alerts;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Running totals of record outcomes since the handler was built (the local runner reports them). */
public final class AlertCounters {
    private final Map<RecordOutcome.Kind, AtomicLong> counts = new EnumMap<>(RecordOutcome.Kind.class);

    public AlertCounters() {
        for (RecordOutcome.Kind kind : RecordOutcome.Kind.values()) {
            counts.put(kind, new AtomicLong());
        }
    }

    void add(RecordOutcome.Kind kind) {
        counts.get(kind).incrementAndGet();
    }

    public long get(RecordOutcome.Kind kind) {
        return counts.get(kind).get();
    }
}
