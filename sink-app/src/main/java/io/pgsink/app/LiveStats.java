package io.pgsink.app;

import io.pgsink.SinkStats;
import io.pgsink.SinkStatus;
import io.pgsink.SinkWorker;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live view's JSON ({@code GET /stats}), polled by the page at {@code /} about once a second. The throughput is
 * the records written over the last few seconds of samples taken by these requests.
 */
final class LiveStats {

    /** Throughput is measured over about this window, from the samples the requests take. */
    private static final long WINDOW_NANOS = 5_000_000_000L;

    private record Sample(long nanos, long written) {}

    private final SinkWorker worker;
    private final MicrometerMetrics metrics;
    private final Deque<Sample> samples = new ArrayDeque<>();

    LiveStats(SinkWorker worker, MicrometerMetrics metrics) {
        this.worker = worker;
        this.metrics = metrics;
    }

    Map<String, Object> snapshot() {
        SinkStatus status = worker.status();
        SinkStats stats = worker.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status.health().status().name());
        m.put("detail", status.health().detail());
        m.put(
                "lanes",
                status.lanes().stream()
                        .map(l -> Map.of("lane", l.lane(), "state", l.state().name()))
                        .toList());
        m.put("recordsWritten", stats.recordsWritten());
        m.put("recordsPerSecond", recordsPerSecond(stats.recordsWritten()));
        m.put("deadLettered", stats.recordsDeadLettered());
        m.put("lag", Math.max(0, status.totalLag()));
        m.put("batchSizeTarget", stats.batchTargetRecords());
        m.put("lastBatchRecords", stats.lastBatchRecords());
        double p99 = metrics.recentLatencyP99Millis();
        m.put("p99LatencyMs", Double.isNaN(p99) ? null : p99);
        m.put("routes", status.routes().stream().map(HealthChecks::route).toList());
        return m;
    }

    private synchronized double recordsPerSecond(long written) {
        long now = System.nanoTime();
        samples.addLast(new Sample(now, written));
        while (samples.size() > 2 && now - samples.peekFirst().nanos() > WINDOW_NANOS) {
            samples.removeFirst();
        }
        Sample first = samples.peekFirst();
        long elapsed = now - first.nanos();
        return elapsed <= 0 ? 0 : (written - first.written()) * 1e9 / elapsed;
    }
}
