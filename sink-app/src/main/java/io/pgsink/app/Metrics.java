package io.pgsink.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgsink.SinkListener;

/**
 * pgsink's Micrometer meters for an application that embeds pgsink (the library's {@code PgBatchClient}, or a
 * {@code SinkWorker} started in-process): the same meter names as the worker's {@code /metrics}, registered in the
 * application's own registry. The worker-only gauges (buffered bytes, paused partitions) stay empty without a worker.
 */
public final class Metrics {

    private Metrics() {}

    /** A listener that records every event it receives in {@code registry}. */
    public static SinkListener listener(MeterRegistry registry) {
        return new MicrometerMetrics(registry);
    }
}
