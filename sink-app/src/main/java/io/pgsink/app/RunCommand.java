package io.pgsink.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgsink.Health;
import io.pgsink.SinkListener;
import io.pgsink.SinkWorker;
import io.pgsink.config.ConfigException;
import io.pgsink.config.SinkConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pgsink run --config FILE}: runs one worker until SIGTERM or SIGINT, then shuts it down cleanly (finish
 * in-flight batches, commit, close) before the JVM exits.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Runs a worker until SIGTERM or SIGINT.",
            "Any key of the config file can be overridden by an environment variable PGSINK_<KEY> (upper case, dots and "
                    + "dashes as underscores), e.g. PGSINK_POSTGRES_PASSWORD."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok", "1:failed while running (a fatal error stopped writing)", "2:bad configuration",
            "4:could not start (database or table)", "64:bad usage", "143:stopped by SIGTERM"
        })
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "the worker's settings, a .properties file (keys: docs/configuration.md)")
    private Path configFile;

    @Option(names = "--verbose", description = "print the stack trace of a start failure")
    private boolean verbose;

    private final Map<String, String> environment;
    private final PrintStream err;

    RunCommand(Map<String, String> environment, PrintStream err) {
        this.environment = environment;
        this.err = err;
    }

    @Override
    public Integer call() {
        SinkConfig config;
        try {
            config = ConfigLoader.load(configFile, environment);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return Cli.EXIT_CONFIG;
        }
        LogOutput.use(config.observability().logFormat());
        LogOutput.bridgeJavaUtilLogging();
        LOG.info("starting with {}", config);
        SinkWorker worker;
        // Metrics only where they are served: without http.port the worker runs without the adapter.
        PrometheusMeterRegistry registry =
                config.httpPort() == 0 ? null : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerMetrics metrics = registry == null ? null : new MicrometerMetrics(registry);
        // Spans only where they are exported: tracing.otlp.endpoint unset means no tracer at all.
        BatchTracer tracer = config.observability().tracing()
                ? BatchTracer.otlp(config.observability().tracingEndpoint())
                : null;
        try {
            worker = SinkWorker.start(config, listeners(metrics, tracer));
        } catch (ConfigException e) {
            // The database says a route does not fit its tables: a configuration problem like any other.
            err.println(e.getMessage());
            return Cli.EXIT_CONFIG;
        } catch (RuntimeException e) {
            closeQuietly(tracer);
            err.println("pgsink could not start: " + e.getMessage());
            if (Cli.showStackTraces(verbose)) {
                LOG.error("start failed", e);
            }
            return Cli.EXIT_START_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean signalled = new AtomicBoolean();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            signalled.set(true);
                            worker.close();
                            closeQuietly(tracer);
                            stopped.countDown();
                            exitFailedIfItFailed(worker);
                        },
                        "pgsink-shutdown"));
        if (metrics != null) {
            metrics.watch(worker);
        }
        try (HealthServer http = metrics == null
                ? null
                : HealthServer.start(config.httpPort(), worker, metrics, registry, liveBound(config))) {
            while (!worker.awaitStop(Duration.ofSeconds(1)) && worker.health().status() != Health.Status.FAILED) {
                // Runs until a signal's shutdown hook closes the worker, the consumer dies, or writing fails.
            }
            if (!signalled.get()) {
                // Fatal: exit, so that a supervisor notices and restarts once an operator has fixed the cause.
                err.println("pgsink stopped: " + worker.health().detail());
                worker.close();
                closeQuietly(tracer);
                return Cli.EXIT_FAILED;
            }
            stopped.await();
        } catch (IOException e) {
            err.println("pgsink could not open http.port " + config.httpPort() + ": " + e.getMessage());
            worker.close();
            return Cli.EXIT_START_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static List<SinkListener> listeners(MicrometerMetrics metrics, BatchTracer tracer) {
        List<SinkListener> listeners = new ArrayList<>();
        if (metrics != null) {
            listeners.add(metrics);
        }
        if (tracer != null) {
            listeners.add(tracer);
        }
        return listeners;
    }

    /** Flushes the spans not exported yet; exporting is best effort and never changes the exit code. */
    private static void closeQuietly(BatchTracer tracer) {
        if (tracer != null) {
            tracer.close();
        }
    }

    /**
     * How long the poll loop may go without finishing an iteration before the worker counts as not live: its
     * longest legitimate waits (a revocation waits for in-flight writes, then commits) are each bounded by
     * shutdown.timeout.ms.
     */
    private static Duration liveBound(SinkConfig config) {
        return config.shutdownTimeout().multipliedBy(2).plusSeconds(30);
    }

    /**
     * A signal makes the JVM exit 143 whatever it did; a worker that failed on the way out (its poll loop died, a
     * lane hit a fatal error) must still exit 1, so that a supervisor and a rollout see the failure.
     */
    private void exitFailedIfItFailed(SinkWorker worker) {
        Health health = worker.health();
        if (health.status() == Health.Status.FAILED) {
            err.println("pgsink stopped: " + health.detail());
            err.flush();
            Runtime.getRuntime().halt(Cli.EXIT_FAILED);
        }
    }
}
