package io.pgsink.app;

import io.pgsink.Health;
import io.pgsink.SinkWorker;
import io.pgsink.config.ConfigException;
import io.pgsink.config.SinkConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pgsink run --config FILE}: runs one worker until SIGTERM or SIGINT, then shuts it down cleanly (finish
 * in-flight batches, commit, close) before the JVM exits.
 */
final class RunCommand {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    private RunCommand() {}

    static int run(Path configFile, Map<String, String> environment, PrintStream err) {
        SinkConfig config;
        try {
            config = ConfigLoader.load(configFile, environment);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return Main.EXIT_CONFIG;
        }
        LOG.info("starting with {}", config);
        SinkWorker worker;
        try {
            worker = SinkWorker.start(config);
        } catch (RuntimeException e) {
            err.println("pgsink could not start: " + e.getMessage());
            LOG.error("start failed", e);
            return Main.EXIT_START_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean signalled = new AtomicBoolean();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            signalled.set(true);
                            worker.close();
                            stopped.countDown();
                        },
                        "pgsink-shutdown"));
        try (HealthServer http = config.httpPort() == 0 ? null : HealthServer.start(config.httpPort(), worker)) {
            while (!worker.awaitStop(Duration.ofSeconds(1)) && worker.health().status() != Health.Status.FAILED) {
                // Runs until a signal's shutdown hook closes the worker, the consumer dies, or writing fails.
            }
            if (!signalled.get()) {
                // Fatal: exit, so that a supervisor notices and restarts once an operator has fixed the cause.
                err.println("pgsink stopped: " + worker.health().detail());
                worker.close();
                return Main.EXIT_FAILED;
            }
            stopped.await();
        } catch (IOException e) {
            err.println("pgsink could not open http.port " + config.httpPort() + ": " + e.getMessage());
            worker.close();
            return Main.EXIT_START_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
