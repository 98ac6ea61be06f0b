package io.pgsink.tools.examples;

import io.pgsink.tools.JvmLauncher;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A worker in a JVM of its own, started as an operator would ({@code run --config FILE}), so that the example can
 * kill it for real (SIGKILL, no shutdown hook, no last commit) rather than close it.
 */
final class WorkerJvm implements AutoCloseable {

    private final Process process;
    private final Path directory;

    private WorkerJvm(Process process, Path directory) {
        this.process = process;
        this.directory = directory;
    }

    static WorkerJvm start(Map<String, String> settings) throws IOException {
        Path directory = Files.createTempDirectory("pgsink-example-worker-");
        Properties properties = new Properties();
        properties.putAll(settings);
        Path config = directory.resolve("worker.properties");
        try (Writer writer = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            properties.store(writer, "pgsink example worker");
        }
        List<String> command = new ArrayList<>(List.of(JvmLauncher.java(), "-Xmx256m"));
        command.addAll(JvmLauncher.launcher());
        command.addAll(List.of("run", "--config", config.toString()));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("worker.log").toFile())
                .start();
        return new WorkerJvm(process, directory);
    }

    long pid() {
        return process.pid();
    }

    /** Throws, pointing at the worker's log, if the worker has exited. */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(
                    "the worker exited with code " + process.exitValue() + "; see " + directory.resolve("worker.log"));
        }
    }

    /** SIGKILL: the worker gets no chance to finish its batch or commit anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: a clean shutdown, as an operator stops it. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
