package io.sensorpipe.alerts.runner;

import java.time.Duration;

/** Time source and sleep of the retry loop, replaceable so tests can check the waits without waiting. */
public interface RetryClock {
    long nanoTime();

    void sleep(Duration duration) throws InterruptedException;

    RetryClock SYSTEM = new RetryClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            if (!duration.isZero()) {
                Thread.sleep(duration.toMillis());
            }
        }
    };
}
