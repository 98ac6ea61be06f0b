package io.pgsink;

import java.util.concurrent.atomic.AtomicReference;

/** The worker's current {@link Health}, set by the pipeline's threads, read by probes. */
final class HealthState {

    private final AtomicReference<Health> current =
        new AtomicReference<>(new Health(Health.Status.STARTING, "starting"));

    Health get() {
        return current.get();
    }

    void running() {
        transition(new Health(Health.Status.RUNNING, "consuming and writing"));
    }

    void writeSucceeded() {
        Health now = current.get();
        if (now.status() == Health.Status.DEGRADED) {
            current.compareAndSet(now, new Health(Health.Status.RUNNING, "recovered"));
        }
    }

    void retrying(String why) {
        transition(new Health(Health.Status.DEGRADED, why));
    }

    void failed(String why) {
        current.updateAndGet(now -> now.status() == Health.Status.STOPPED ? now
            : new Health(Health.Status.FAILED, why));
    }

    void stopped() {
        current.updateAndGet(now -> now.status() == Health.Status.FAILED ? now
            : new Health(Health.Status.STOPPED, "stopped"));
    }

    /** FAILED and STOPPED are final: nothing but a restart leaves them. */
    private void transition(Health next) {
        current.updateAndGet(now -> now.status() == Health.Status.FAILED || now.status() == Health.Status.STOPPED
            ? now : next);
    }
}
