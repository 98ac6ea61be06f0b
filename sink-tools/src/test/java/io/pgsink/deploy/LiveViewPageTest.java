package io.pgsink.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pgsink.testing.ExternalTool;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's live view (sink-app's io/pgsink/app/live.html) in a real browser: headless Chromium loads the page from
 * a small local server that answers /stats with changing figures, runs its script, and the test reads the rendered
 * DOM and a screenshot. The worker's own /stats endpoint is tested with the worker, not here.
 */
class LiveViewPageTest {

    private static final String PAGE = "/io/pgsink/app/live.html";
    private static final Pattern WRITTEN = Pattern.compile("id=\"written\">([0-9,]+)<");

    private final Map<Long, Map<String, Object>> served = new ConcurrentHashMap<>();
    private final AtomicInteger statsRequests = new AtomicInteger();
    private HttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::page);
        server.createContext("/stats", this::stats);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void showsTheFiguresOfTheLatestStatsAndKeepsPolling(@TempDir Path profile) throws Exception {
        ExternalTool.Result result = chromium(profile, "--virtual-time-budget=5000", "--dump-dom", url());
        String dom = result.stdout();

        assertThat(dom).as(result.stderr()).contains("id=\"lanes\"");
        long written = Long.parseLong(capture(WRITTEN, dom).replace(",", ""));
        Map<String, Object> shown = served.get(written);
        assertThat(shown).as("the page shows the figures of a /stats answer").isNotNull();
        assertThat((Integer) shown.get("n"))
                .as("answers rendered before the one shown")
                .isGreaterThanOrEqualTo(2);
        assertThat(dom)
                .contains("id=\"throughput\">" + grouped((Integer) shown.get("recordsPerSecond")) + "<")
                .contains("id=\"lag\">" + grouped((Integer) shown.get("lag")) + "<")
                .contains("id=\"batch\">" + grouped((Integer) shown.get("lastBatchRecords")) + "<")
                .contains("id=\"batch-target\">4,000<")
                .contains("id=\"latency\">" + grouped((Integer) shown.get("p99LatencyMs")) + "<")
                .contains("id=\"dead-letters\">" + grouped((Integer) shown.get("deadLettered")) + "<")
                .contains("id=\"status\" class=\"badge DEGRADED\">DEGRADED<")
                .contains("<td>1</td><td><span class=\"badge DEGRADED\">DEGRADED</span></td>")
                .contains("<td>payments</td><td>billing.payments</td><td><span class=\"badge RUNNING\">");
        assertThat(sparklinePoints(dom, "spark-lag")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void saysSoWhenTheWorkerDoesNotAnswer(@TempDir Path profile) throws Exception {
        server.removeContext("/stats");
        server.createContext("/stats", exchange -> respond(exchange, 503, "text/plain", "stopping"));

        String dom = chromium(profile, "--virtual-time-budget=3000", "--dump-dom", url())
                .stdout();

        assertThat(dom)
                .contains("class=\"badge UNREACHABLE\">UNREACHABLE<")
                .contains("no answer from the worker: HTTP 503");
    }

    @Test
    void rendersAScreenshotThatIsNotBlank(@TempDir Path profile) throws Exception {
        Path png = Path.of("target", "live-view.png").toAbsolutePath();
        Files.deleteIfExists(png);

        // Two minutes of virtual time fill the sparklines; Chromium skips the waits, so it takes seconds.
        chromium(
                profile,
                "--virtual-time-budget=125000",
                "--window-size=1100,640",
                "--hide-scrollbars",
                "--screenshot=" + png,
                url());

        assertThat(png).exists();
        assertThat(Files.size(png)).isGreaterThan(10_000);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1100);
        assertThat(shareOfMostCommonColour(image))
                .as("share of the background colour")
                .isLessThan(0.9);
        assertThat(statsRequests.get()).as("/stats polls in two minutes").isGreaterThan(60);
    }

    private ExternalTool.Result chromium(Path profile, String... args) throws Exception {
        ExternalTool chromium = ExternalTool.require("chromium", "chromium", "chromium-browser", "google-chrome");
        List<String> all = new ArrayList<>(List.of(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--user-data-dir=" + profile));
        all.addAll(List.of(args));
        ExternalTool.Result result = chromium.run(profile, Duration.ofMinutes(2), all.toArray(String[]::new));
        assertThat(result.exitStatus()).as(result.stderr()).isZero();
        return result;
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private void page(HttpExchange exchange) throws IOException {
        try (InputStream in = Objects.requireNonNull(LiveViewPageTest.class.getResourceAsStream(PAGE), PAGE)) {
            respond(exchange, 200, "text/html; charset=utf-8", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private void stats(HttpExchange exchange) throws IOException {
        int n = statsRequests.getAndIncrement();
        Map<String, Object> stats = fakeStats(n);
        served.put(((Number) stats.get("recordsWritten")).longValue(), stats);
        Map<String, Object> body = new HashMap<>(stats);
        body.remove("n");
        respond(exchange, 200, "application/json", new ObjectMapper().writeValueAsString(body));
    }

    /** The n-th answer: figures that move like a busy worker's, recordsWritten unique to each answer. */
    private static Map<String, Object> fakeStats(int n) {
        Map<String, Object> s = new HashMap<>();
        s.put("n", n);
        s.put("status", "DEGRADED");
        s.put("recordsWritten", 1_000_000 + 48_000 * n);
        s.put("recordsPerSecond", (int) Math.round(48_000 + 6_000 * Math.sin(n / 8.0)));
        s.put("lag", (int) Math.round(60_000 + 25_000 * Math.sin(n / 15.0)));
        s.put("lastBatchRecords", 3_000 + n * 37 % 1_000);
        s.put("batchSizeTarget", 4_000);
        s.put("p99LatencyMs", (int) Math.round(350 + 80 * Math.sin(n / 5.0)));
        s.put("deadLettered", 17 + n / 20);
        s.put("lanes", List.of(Map.of("lane", 0, "state", "RUNNING"), Map.of("lane", 1, "state", "DEGRADED")));
        s.put(
                "routes",
                List.of(
                        Map.of("route", "orders", "table", "public.orders", "state", "RUNNING"),
                        Map.of("route", "payments", "table", "billing.payments", "state", "RUNNING")));
        return s;
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String grouped(int n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String capture(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as(pattern + " in the rendered page").isTrue();
        return m.group(1);
    }

    private static int sparklinePoints(String dom, String id) {
        String points = capture(Pattern.compile("id=\"" + id + "\"[^>]*><polyline points=\"([^\"]*)\""), dom);
        return points.strip().split("\\s+").length;
    }

    private static double shareOfMostCommonColour(BufferedImage image) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                counts.merge(image.getRGB(x, y), 1, Integer::sum);
            }
        }
        int most = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return (double) most / (image.getWidth() * image.getHeight());
    }
}
