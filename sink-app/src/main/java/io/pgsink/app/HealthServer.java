package io.pgsink.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgsink.SinkWorker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The worker's HTTP endpoints on {@code http.port}:
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 while the poll thread makes progress and the worker has not failed, else 503;
 *   <li>{@code GET /health/ready}: 200 while partitions are assigned, no lane failed and writes reach the database;
 *   <li>{@code GET /health}: 200 unless failed or stopped, with per-lane and per-route detail;
 *   <li>{@code GET /metrics}: Prometheus text format, from Micrometer;
 *   <li>{@code GET /stats}: the live view's JSON; {@code GET /}: the live view page, when the jar carries it.
 * </ul>
 *
 * All JSON is written with Jackson.
 */
final class HealthServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAGE = "/io/pgsink/app/live.html";

    private final HttpServer server;
    private final JvmMetrics jvm;

    private HealthServer(HttpServer server, JvmMetrics jvm) {
        this.server = server;
        this.jvm = jvm;
    }

    /**
     * @param liveBound how long the poll loop may go without finishing an iteration before the worker counts as
     *     not live
     */
    static HealthServer start(
            int port,
            SinkWorker worker,
            MicrometerMetrics metrics,
            PrometheusMeterRegistry registry,
            Duration liveBound)
            throws IOException {
        JvmMetrics jvm = JvmMetrics.bind(registry);
        HealthChecks checks = new HealthChecks(worker, liveBound);
        LiveStats stats = new LiveStats(worker, metrics);
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/health/live", get(exchange -> json(exchange, checks.live())));
        server.createContext("/health/ready", get(exchange -> json(exchange, checks.ready())));
        server.createContext("/health", get(exchange -> json(exchange, checks.detail())));
        server.createContext("/stats", get(exchange -> json(exchange, new HealthChecks.Answer(200, stats.snapshot()))));
        server.createContext("/metrics", get(exchange -> {
            metrics.refresh();
            respond(
                    exchange,
                    200,
                    "text/plain; version=0.0.4; charset=utf-8",
                    registry.scrape().getBytes(StandardCharsets.UTF_8));
        }));
        server.createContext("/", get(HealthServer::page));
        server.start();
        return new HealthServer(server, jvm);
    }

    /** The live view page at exactly {@code /}, when the jar carries it. */
    private static void page(HttpExchange exchange) throws IOException {
        InputStream page = HealthServer.class.getResourceAsStream(PAGE);
        if (!"/".equals(exchange.getRequestURI().getPath()) || page == null) {
            respond(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (page) {
            respond(exchange, 200, "text/html; charset=utf-8", page.readAllBytes());
        }
    }

    private static HttpHandler get(HttpHandler handler) {
        return exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                    respond(exchange, 405, "text/plain; charset=utf-8", "GET only\n".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                handler.handle(exchange);
            }
        };
    }

    private static void json(HttpExchange exchange, HealthChecks.Answer answer) throws IOException {
        byte[] body = JSON.writeValueAsBytes(answer.body());
        respond(exchange, answer.code(), "application/json", body);
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        jvm.close();
    }
}
