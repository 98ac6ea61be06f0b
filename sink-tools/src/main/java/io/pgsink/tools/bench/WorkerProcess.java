package io.pgsink.tools.bench;

import io.pgsink.tools.JvmLauncher;
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker in a JVM of its own, started as an operator would ({@code java -Xmx.. -jar pgsink.jar run --config F};
 * here from the tools jar, whose {@code run} is the worker's),
 * with its HTTP port open for /health and /metrics and its GC log written to a file. Its output goes to a log file
 * next to its config, shown when it fails.
 */
final class WorkerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);

    /** What the worker logs once it has started; see {@code Worker.start}. */
    private static final String STARTED = "pgsink worker started";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path directory;
    private final int port;
    private final String xmx;
    /** Whether the worker serves /health and /metrics (http.port set). */
    private final boolean http;

    private WorkerProcess(Process process, Path directory, int port, String xmx) {
        this.process = process;
        this.directory = directory;
        this.port = port;
        this.xmx = xmx;
        this.http = port > 0;
    }

    static WorkerProcess start(Map<String, String> settings, String xmx, List<String> jvmFlags) throws IOException {
        return start(settings, xmx, jvmFlags, true);
    }

    /**
     * With {@code http} false the worker runs without http.port: no metrics registry and no /health, so its start
     * is read from its log and its figures are the CPU time and GC log only.
     */
    static WorkerProcess start(Map<String, String> settings, String xmx, List<String> jvmFlags, boolean http)
            throws IOException {
        int port = http ? freePort() : 0;
        Path directory = Files.createTempDirectory("pgsink-bench-worker-");
        Properties properties = new Properties();
        properties.putAll(settings);
        if (http) {
            properties.put("http.port", Integer.toString(port));
        }
        Path config = directory.resolve("worker.properties");
        try (Writer writer = Files.newBufferedWriter(config)) {
            properties.store(writer, "pgsink bench worker");
        }
        List<String> command = new ArrayList<>(List.of(
                JvmLauncher.java(), "-Xmx" + xmx, "-Xlog:gc:file=" + directory.resolve("gc.log") + ":time,uptime"));
        command.addAll(jvmFlags);
        command.addAll(JvmLauncher.launcher());
        command.addAll(List.of("run", "--config", config.toString()));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("worker.log").toFile())
                .start();
        return new WorkerProcess(process, directory, port, xmx);
    }

    /** Waits until /health answers 200: the worker has connected, checked the table and started polling. */
    void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            requireAlive();
            try {
                if (get("/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet: the JVM is still starting.
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the worker did not report healthy within " + timeout + logHint());
    }

    /**
     * Waits until the worker logs that it has started (connected, table checked, poll thread started: the moment
     * /health turns 200), and then, if it serves HTTP, until /health answers. The log line is the same signal
     * with and without the HTTP port, so runs with observability off and on start their clocks alike.
     */
    void awaitStarted(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path log = directory.resolve("worker.log");
        while (!Files.readString(log, StandardCharsets.UTF_8).contains(STARTED)) {
            requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the worker did not log that it started within " + timeout + logHint());
            }
            Thread.sleep(5);
        }
        if (http) {
            awaitHealthy(timeout);
        }
    }

    /** Throws, pointing at the worker's log, if the worker has exited. */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("the worker exited with code " + process.exitValue() + logHint());
        }
    }

    /** Scrapes /metrics, then stops the worker with SIGTERM (a clean shutdown) and reads its GC log. */
    Measurement.WorkerFigures stop() throws IOException, InterruptedException {
        Map<String, Long> metrics = metrics();
        double cpuSeconds =
                process.info().totalCpuDuration().map(d -> d.toMillis() / 1e3).orElse(-1.0);
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        List<String> gcLog = GcLog.read(directory.resolve("gc.log"));
        Measurement.WorkerFigures figures = new Measurement.WorkerFigures(
                metrics.getOrDefault("pgsink_batches_committed_total", 0L),
                metrics.getOrDefault("pgsink_write_retries_total", 0L),
                metrics.getOrDefault("jvm_heap_used_peak_bytes", -1L),
                GcLog.maxHeapAfterGc(gcLog),
                xmx,
                metrics.getOrDefault("pgsink_batch_size_target", 0L),
                cpuSeconds);
        for (String pause : GcLog.longestPauses(gcLog, 3)) {
            LOG.info("worker's longest GC pauses: {}", pause);
        }
        deleteDirectory();
        return figures;
    }

    /** One line of the worker's progress, for the log while a measurement runs. */
    String progress() throws IOException, InterruptedException {
        if (!http) {
            return "no /metrics (observability off)";
        }
        Map<String, Long> m = metrics();
        return String.format(
                "written %,d, batch target %,d, last batch %,d, lag %,d, retries %d",
                m.getOrDefault("pgsink_records_written_total", 0L),
                m.getOrDefault("pgsink_batch_size_target", 0L),
                m.getOrDefault("pgsink_batch_last_records", 0L),
                m.getOrDefault("pgsink_consumer_lag_records", 0L),
                m.getOrDefault("pgsink_write_retries_total", 0L));
    }

    /**
     * Each metric's samples summed over their labels (counters and lag per partition add up), except the batch size
     * target, whose lanes' values are averaged as the worker's own stats do.
     */
    private Map<String, Long> metrics() throws IOException, InterruptedException {
        if (!http) {
            return Map.of();
        }
        Map<String, Double> sums = new HashMap<>();
        Map<String, Integer> samples = new HashMap<>();
        for (String line : get("/metrics").body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            int brace = line.indexOf('{');
            String name = brace > 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
            double value = Double.parseDouble(line.substring(space + 1));
            if (!Double.isNaN(value)) {
                sums.merge(name, value, Double::sum);
                samples.merge(name, 1, Integer::sum);
            }
        }
        Map<String, Long> metrics = new HashMap<>();
        sums.forEach((name, sum) -> metrics.put(name, (long) sum.doubleValue()));
        metrics.computeIfPresent("pgsink_batch_size_target", (name, sum) -> sum / samples.get(name));
        return metrics;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private void deleteDirectory() throws IOException {
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }

    private String logHint() {
        return "; see its log " + directory.resolve("worker.log");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
