package io.pgsink.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class MembershipLeaseTest {

    private final AtomicReference<Object> secondsAgo = new AtomicReference<>(Double.NaN);

    private BooleanSupplier lease(long sessionTimeoutMs) {
        MetricName name = new MetricName("last-heartbeat-seconds-ago", "consumer-coordinator-metrics", "", Map.of());
        Metric metric = new Metric() {
            @Override
            public MetricName metricName() {
                return name;
            }

            @Override
            public Object metricValue() {
                return secondsAgo.get();
            }
        };
        return MembershipLease.of(Map.of(name, metric), sessionTimeoutMs);
    }

    @Test
    void aHeartbeatOlderThanTheSessionTimeoutLapsesTheLeaseUntilTheNextOne() {
        BooleanSupplier lease = lease(6_000);

        secondsAgo.set(15.0); // resumed after a 15 s freeze: the coordinator has evicted this member by now
        assertThat(lease.getAsBoolean()).isFalse();
        secondsAgo.set(1.0); // a heartbeat succeeded: still a member
        assertThat(lease.getAsBoolean()).isTrue();
    }

    @Test
    void theLeaseKeepsAMarginBelowTheSessionTimeout() {
        BooleanSupplier lease = lease(6_000);

        secondsAgo.set(3.0);
        assertThat(lease.getAsBoolean()).isTrue();
        secondsAgo.set(4.0);
        assertThat(lease.getAsBoolean()).isFalse();
    }

    @Test
    void noHeartbeatYetMeansTheJoinJustGrantedMembership() {
        assertThat(lease(6_000).getAsBoolean()).isTrue();
    }

    @Test
    void aClientWithoutTheMetricIsNeverHeldBack() {
        assertThat(MembershipLease.of(Map.of(), 6_000).getAsBoolean()).isTrue();
    }
}
