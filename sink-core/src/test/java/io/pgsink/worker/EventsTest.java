package io.pgsink.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.ClientObserver;
import io.pgsink.Health;
import io.pgsink.SinkEvent;
import io.pgsink.SinkListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class EventsTest {

    private static final SinkEvent REBALANCED = new SinkEvent.Rebalanced(List.of("t-0"), List.of(), List.of());

    @Test
    void aThrowingListenerDoesNotKeepTheOthersFromTheirEvents() {
        List<SinkEvent> seen = new CopyOnWriteArrayList<>();
        SinkListener throwing = event -> {
            throw new IllegalStateException("listener bug");
        };
        Events events = new Events(List.of(throwing, seen::add));

        events.onEvent(REBALANCED);
        events.onEvent(REBALANCED);

        assertThat(seen).containsExactly(REBALANCED, REBALANCED);
    }

    private static final SinkEvent MARKER =
            new SinkEvent.Rebalanced(List.of("service-loader-test-0"), List.of(), List.of());

    /**
     * Listed in this module's test META-INF/services/io.pgsink.SinkListener (so also found by workers started in
     * the integration tests, which use this module's test jar: it ignores everything but this test's marker).
     */
    public static final class FoundOnClassPath implements SinkListener {

        static final List<String> CALLS = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(SinkEvent event) {
            if (MARKER.equals(event)) {
                CALLS.add("found");
            }
        }
    }

    @Test
    void listenersOnTheClassPathAreFoundThroughServiceLoaderAfterTheGivenOnes() {
        FoundOnClassPath.CALLS.clear();
        Events events = Events.registered(List.of(event -> FoundOnClassPath.CALLS.add("given")));

        events.onEvent(MARKER);

        assertThat(FoundOnClassPath.CALLS).containsExactly("given", "found");
    }

    @Test
    void onlyListenersThatObserveClientsAreToldOfThem() {
        List<Object> opened = new CopyOnWriteArrayList<>();
        class Observing implements SinkListener, ClientObserver {
            @Override
            public void onEvent(SinkEvent event) {}

            @Override
            public void opened(Object client) {
                opened.add(client);
            }
        }
        Events events = new Events(List.of(event -> {}, new Observing()));

        events.opened("the pool");

        assertThat(opened).containsExactly("the pool");
    }

    @Test
    void healthChangesAreToldOnceEachAsStateChanges() {
        List<SinkEvent> seen = new CopyOnWriteArrayList<>();
        HealthState health = new HealthState(1, seen::add);
        HealthState.LaneHealth lane = health.lane(1);

        health.running();
        lane.retrying("down");
        lane.retrying("still down");
        lane.succeeded();
        health.laneFailed(0, "fatal");

        assertThat(seen)
                .containsExactly(
                        new SinkEvent.StateChanged(
                                -1, Health.Status.STARTING, Health.Status.RUNNING, "consuming and writing"),
                        new SinkEvent.StateChanged(1, Health.Status.RUNNING, Health.Status.DEGRADED, "down"),
                        new SinkEvent.StateChanged(-1, Health.Status.RUNNING, Health.Status.DEGRADED, "down"),
                        new SinkEvent.StateChanged(1, Health.Status.DEGRADED, Health.Status.RUNNING, "recovered"),
                        new SinkEvent.StateChanged(-1, Health.Status.DEGRADED, Health.Status.RUNNING, "recovered"),
                        new SinkEvent.StateChanged(0, Health.Status.RUNNING, Health.Status.FAILED, "fatal"),
                        new SinkEvent.StateChanged(-1, Health.Status.RUNNING, Health.Status.FAILED, "fatal"));
        assertThat(health.laneState(0)).isEqualTo(Health.Status.FAILED);
        assertThat(health.laneState(1)).isEqualTo(Health.Status.RUNNING);
    }
}
