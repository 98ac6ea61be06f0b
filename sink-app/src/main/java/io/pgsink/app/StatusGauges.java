package io.pgsink.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pgsink.Health;
import io.pgsink.SinkStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The gauges read from a worker's {@link SinkStatus}: lag per partition, each lane's state and batch size target,
 * the worker's state. Rows come and go with partitions and lanes, so they are {@link MultiGauge}s set from the
 * status taken before each scrape.
 */
final class StatusGauges {

    private final MultiGauge lag;
    private final MultiGauge laneState;
    private final MultiGauge sizeTarget;
    private volatile SinkStatus last;

    StatusGauges(MeterRegistry registry) {
        lag = MultiGauge.builder("pgsink.consumer.lag.records")
                .description("Records not yet written per partition: end offset (asked every few seconds, also while"
                        + " paused) minus the last committed offset")
                .register(registry);
        laneState = MultiGauge.builder("pgsink.lane.state")
                .description("1 for each writer lane's current state, 0 for the others")
                .register(registry);
        sizeTarget = MultiGauge.builder("pgsink.batch.size.target")
                .description("The batch size target in force per lane, in records")
                .register(registry);
        for (Health.Status state : Health.Status.values()) {
            Gauge.builder(
                            "pgsink.worker.state",
                            this,
                            g -> g.last != null && g.last.health().status() == state ? 1 : 0)
                    .description("1 for the worker's current state, 0 for the others")
                    .tag("state", state.name())
                    .register(registry);
        }
    }

    /** The status last taken, or null before the first. */
    SinkStatus last() {
        return last;
    }

    void update(SinkStatus status) {
        last = status;
        List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
        for (SinkStatus.PartitionLag p : status.lag()) {
            lagRows.add(MultiGauge.Row.of(
                    Tags.of("topic", p.topic(), "partition", Integer.toString(p.partition())), p.records()));
        }
        lag.register(lagRows, true);
        List<MultiGauge.Row<?>> stateRows = new ArrayList<>();
        List<MultiGauge.Row<?>> targetRows = new ArrayList<>();
        for (SinkStatus.Lane lane : status.lanes()) {
            String id = Integer.toString(lane.lane());
            for (Health.Status state : Health.Status.values()) {
                stateRows.add(
                        MultiGauge.Row.of(Tags.of("lane", id, "state", state.name()), lane.state() == state ? 1 : 0));
            }
            targetRows.add(MultiGauge.Row.of(Tags.of("lane", id), lane.batchSizeTarget()));
        }
        laneState.register(stateRows, true);
        sizeTarget.register(targetRows, true);
    }
}
