package io.pgsink.worker;

import io.pgsink.Health;
import io.pgsink.SinkEvent;
import io.pgsink.SinkListener;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The worker's current {@link Health} and each lane's state, set by the pipeline's threads, read by probes. Every
 * change of a status is told to the listeners as a {@link SinkEvent.StateChanged}.
 */
final class HealthState {

    private final AtomicReference<Health> current =
            new AtomicReference<>(new Health(Health.Status.STARTING, "starting"));
    private final Set<Integer> retryingLanes = ConcurrentHashMap.newKeySet();
    private final Map<String, String> stoppedTables = new ConcurrentSkipListMap<>();
    private final Set<String> stoppedRoutes = ConcurrentHashMap.newKeySet();
    private final Map<Integer, String> failedLanes = new ConcurrentHashMap<>();
    private final int routes;
    private final SinkListener events;

    /** The health of a worker with one route: a stopped table stops the worker. */
    HealthState() {
        this(1, event -> {});
    }

    /**
     * @param routes how many routes the worker serves: FAILED once every one has a stopped table
     * @param events told of every change of the worker's or a lane's status
     */
    HealthState(int routes, SinkListener events) {
        this.routes = routes;
        this.events = events;
    }

    /**
     * The worker's health. While some routes have a stopped table and others still write, the worker is DEGRADED
     * (not FAILED, which makes the process exit and would stop the healthy routes too), and the detail names each
     * stopped route and table.
     */
    Health get() {
        Health now = current.get();
        if (stoppedTables.isEmpty()
                || now.status() != Health.Status.RUNNING && now.status() != Health.Status.DEGRADED) {
            return now;
        }
        String stopped = stoppedDetail() + "; the other routes keep writing";
        return new Health(
                Health.Status.DEGRADED,
                now.status() == Health.Status.DEGRADED ? stopped + "; " + now.detail() : stopped);
    }

    /** Whether a lane is retrying a transient failure: the database is failing for everyone, so fetching pauses. */
    boolean retrying() {
        return !retryingLanes.isEmpty();
    }

    /** Each stopped route's table and why, as {@code route r, table t -> why}. */
    Map<String, String> stoppedTables() {
        return Map.copyOf(stoppedTables);
    }

    /**
     * A route's table stopped on a fatal failure, or a topic could not be routed ({@code route == null}), which
     * stops the worker: no route can be trusted to own that topic.
     */
    void tableFailed(String route, String table, String why) {
        if (route == null) {
            failed(why);
            return;
        }
        stoppedTables.putIfAbsent("route " + route + ", table " + table, why);
        stoppedRoutes.add(route);
        if (stoppedRoutes.size() >= routes) {
            failed(stoppedDetail());
        }
    }

    private String stoppedDetail() {
        StringBuilder detail = new StringBuilder();
        stoppedTables.forEach((where, why) -> detail.append(detail.length() == 0 ? "" : "; ")
                .append(where)
                .append(" stopped: ")
                .append(why));
        return detail.toString();
    }

    void running() {
        transition(new Health(Health.Status.RUNNING, "consuming and writing"));
    }

    /** One lane's own state: FAILED or DEGRADED when it is, otherwise the worker's (STARTING, RUNNING, STOPPED). */
    Health.Status laneState(int id) {
        if (failedLanes.containsKey(id)) {
            return Health.Status.FAILED;
        }
        Health.Status worker = current.get().status();
        if (worker == Health.Status.STOPPED || worker == Health.Status.STARTING) {
            return worker;
        }
        return retryingLanes.contains(id) ? Health.Status.DEGRADED : Health.Status.RUNNING;
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
            if (retryingLanes.add(id)) {
                laneChanged(id, Health.Status.RUNNING, Health.Status.DEGRADED, why);
            }
            transition(new Health(Health.Status.DEGRADED, why));
        }

        void succeeded() {
            if (retryingLanes.remove(id)) {
                laneChanged(id, Health.Status.DEGRADED, Health.Status.RUNNING, "recovered");
                if (retryingLanes.isEmpty()) {
                    update(now -> now.status() == Health.Status.DEGRADED
                            ? new Health(Health.Status.RUNNING, "recovered")
                            : now);
                }
            }
        }
    }

    /** A lane stopped on a fatal failure: it, and the worker, are FAILED. */
    void laneFailed(int id, String why) {
        Health.Status before = laneState(id);
        failedLanes.put(id, why);
        laneChanged(id, before, Health.Status.FAILED, why);
        failed(why);
    }

    void failed(String why) {
        update(now -> now.status() == Health.Status.STOPPED ? now : new Health(Health.Status.FAILED, why));
    }

    void stopped() {
        update(now -> now.status() == Health.Status.FAILED ? now : new Health(Health.Status.STOPPED, "stopped"));
    }

    /** FAILED and STOPPED are final: nothing but a restart leaves them. */
    private void transition(Health next) {
        update(now -> now.status() == Health.Status.FAILED || now.status() == Health.Status.STOPPED ? now : next);
    }

    private void update(UnaryOperator<Health> change) {
        Health before;
        Health after;
        do {
            before = current.get();
            after = change.apply(before);
        } while (!current.compareAndSet(before, after));
        if (before.status() != after.status()) {
            events.onEvent(new SinkEvent.StateChanged(-1, before.status(), after.status(), after.detail()));
        }
    }

    private void laneChanged(int id, Health.Status from, Health.Status to, String detail) {
        if (from != to) {
            events.onEvent(new SinkEvent.StateChanged(id, from, to, detail));
        }
    }
}
