package io.pgsink.tools.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP traces endpoint in the bench JVM that accepts every export and discards it, so that a worker with
 * tracing on really serializes and sends its spans (the cost being measured) without a collector to run. It counts
 * what arrived, so the bench can tell that spans were exported at all.
 */
final class OtlpReceiver implements AutoCloseable {

    private static final String PATH = "/v1/traces";

    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong empty = new AtomicLong();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    static OtlpReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        OtlpReceiver receiver = new OtlpReceiver(server);
        server.createContext(PATH, receiver::handle);
        server.start();
        return receiver;
    }

    /** The URL for {@code tracing.otlp.endpoint}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** Requests that carried spans: an empty request (the worker's start-up export, which loads its HTTP client) is not counted. */
    long requests() {
        return requests.get();
    }

    long bytes() {
        return bytes.get();
    }

    /** Requests without spans. */
    long emptyRequests() {
        return empty.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            long received = drain(exchange.getRequestBody());
            bytes.addAndGet(received);
            (received > 0 ? requests : empty).incrementAndGet();
            // An empty ExportTraceServiceResponse: every span accepted.
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            total += n;
        }
        return total;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
