package io.pgsink.consume;

import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Whether the group coordinator has confirmed this consumer's membership recently enough that its partitions are
 * still its own: the last successful heartbeat is younger than the session timeout, with a margin. A worker frozen
 * past its session (a long GC pause, SIGSTOP, a VM migration) resumes with its writer threads running before its
 * consumer has heard that it was evicted; this is what lets a writer notice, without a table of pgsink's own, and
 * wait instead of committing over the partitions' new owner. Read from any thread (Kafka metrics are thread safe).
 *
 * <p>A lease, so not a fence: a freeze between the check and the COMMIT reaching the server still slips through.
 * {@code delivery.guarantee=exactly-once} closes that window in the database.
 */
final class MembershipLease implements BooleanSupplier {

    /** Heartbeat age is reported in whole seconds, truncated: one more for that, one for the commit itself. */
    private static final long MARGIN_SECONDS = 2;

    private final Metric lastHeartbeatSecondsAgo;
    private final long sessionTimeoutSeconds;

    private MembershipLease(Metric lastHeartbeatSecondsAgo, long sessionTimeoutMs) {
        this.lastHeartbeatSecondsAgo = lastHeartbeatSecondsAgo;
        this.sessionTimeoutSeconds = sessionTimeoutMs / 1000;
    }

    /** The lease of a consumer with these metrics; always valid when the client does not report heartbeats. */
    static BooleanSupplier of(Map<MetricName, ? extends Metric> metrics, long sessionTimeoutMs) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().name().equals("last-heartbeat-seconds-ago")
                        && e.getKey().group().equals("consumer-coordinator-metrics"))
                .findFirst()
                .<BooleanSupplier>map(e -> new MembershipLease(e.getValue(), sessionTimeoutMs))
                .orElse(() -> true);
    }

    @Override
    public boolean getAsBoolean() {
        Object value = lastHeartbeatSecondsAgo.metricValue();
        if (!(value instanceof Number age) || Double.isNaN(age.doubleValue())) {
            return true; // no heartbeat yet: membership was just granted by the join
        }
        return age.doubleValue() + MARGIN_SECONDS < sessionTimeoutSeconds;
    }
}
