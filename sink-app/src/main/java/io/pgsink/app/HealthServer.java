package io.pgsink.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pgsink.Health;
import io.pgsink.SinkStats;
import io.pgsink.SinkWorker;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /health}: 200 while the worker is healthy, 503 once it failed or stopped, with a one-line JSON body.
 * {@code GET /metrics}: the worker's counters in the Prometheus text format.
 */
final class HealthServer implements AutoCloseable {

    private final HttpServer server;

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    static HealthServer start(int port, SinkWorker worker) throws IOException {
        HeapPeak.watch();
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/health", exchange -> health(exchange, worker.health()));
        server.createContext(
                "/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4", metrics(worker.stats())));
        server.start();
        return new HealthServer(server);
    }

    private static void health(HttpExchange exchange, Health health) throws IOException {
        String body = "{\"status\":\"" + health.status() + "\",\"detail\":\""
                + health.detail().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}\n";
        respond(exchange, health.isHealthy() ? 200 : 503, "application/json", body);
    }

    static String metrics(SinkStats s) {
        return counter("pgsink_records_written_total", s.recordsWritten())
                + counter("pgsink_records_deadlettered_total", s.recordsDeadLettered())
                + counter("pgsink_batches_committed_total", s.batchesCommitted())
                + gauge("pgsink_batch_last_records", s.lastBatchRecords())
                + gauge("pgsink_batch_target_records", s.batchTargetRecords())
                + counter("pgsink_isolation_writes_total", s.isolationWrites())
                + counter("pgsink_retries_total", s.retries())
                + gauge("pgsink_consumer_lag_records", s.lag())
                + gauge("jvm_heap_used_peak_bytes", HeapPeak.bytes())
                + gauge("jvm_heap_used_after_gc_peak_bytes", HeapPeak.afterGcBytes());
    }

    private static String counter(String name, long value) {
        return "# TYPE " + name + " counter\n" + name + " " + value + "\n";
    }

    private static String gauge(String name, long value) {
        return "# TYPE " + name + " gauge\n" + name + " " + value + "\n";
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
