package io.pgsink.tools.bench;

import java.util.Locale;

/**
 * What the pipeline workers run with beyond writing, so that its cost can be measured: nothing, the metrics (the
 * HTTP port with /health and /metrics, scraped by the bench once a second), or the metrics and tracing (a span per
 * batch exported over OTLP/HTTP to a receiver in the bench JVM).
 */
enum Observability {
    /** No http.port (no metrics registry, no /health) and no tracing. */
    OFF,
    /** http.port set: Micrometer metrics and the health endpoints; no tracing. What the bench always ran with. */
    METRICS,
    /** METRICS plus tracing.otlp.endpoint, pointing at the bench's in-process OTLP/HTTP receiver. */
    FULL;

    static Observability parse(String text) {
        for (Observability o : values()) {
            if (o.label().equals(text)) {
                return o;
            }
        }
        throw new IllegalArgumentException("--observability takes off, metrics or full");
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean metrics() {
        return this != OFF;
    }

    boolean tracing() {
        return this == FULL;
    }
}
