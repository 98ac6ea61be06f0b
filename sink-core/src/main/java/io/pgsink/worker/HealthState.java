package io.pgsink.worker;

import io.pgsink.Health;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** The worker's current {@link Health}, set by the pipeline's threads, read by probes. */
final class HealthState {

    private final AtomicReference<Health> current =
            new AtomicReference<>(new Health(Health.Status.STARTING, "starting"));
    private final Set<Integer> retryingLanes = ConcurrentHashMap.newKeySet();

    Health get() {
        return current.get();
    }

    void running() {
        transition(new Health(Health.Status.RUNNING, "consuming and writing"));
    }

    /** The view one writer lane reports through: DEGRADED lasts while any lane is retrying. */
    LaneHealth lane(int id) {
        return new LaneHealth(id);
    }

    final class LaneHealth {

        private final int id;

        private LaneHealth(int id) {
            this.id = id;
        }

        void retrying(String why) {
            retryingLanes.add(id);
            transition(new Health(Health.Status.DEGRADED, why));
        }

        void succeeded() {
            if (retryingLanes.remove(id) && retryingLanes.isEmpty()) {
                Health now = current.get();
                if (now.status() == Health.Status.DEGRADED) {
                    current.compareAndSet(now, new Health(Health.Status.RUNNING, "recovered"));
                }
            }
        }
    }

    void failed(String why) {
        current.updateAndGet(
                now -> now.status() == Health.Status.STOPPED ? now : new Health(Health.Status.FAILED, why));
    }

    void stopped() {
        current.updateAndGet(
                now -> now.status() == Health.Status.FAILED ? now : new Health(Health.Status.STOPPED, "stopped"));
    }

    /** FAILED and STOPPED are final: nothing but a restart leaves them. */
    private void transition(Health next) {
        current.updateAndGet(
                now -> now.status() == Health.Status.FAILED || now.status() == Health.Status.STOPPED ? now : next);
    }
}
