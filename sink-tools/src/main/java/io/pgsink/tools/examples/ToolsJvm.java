package io.pgsink.tools.examples;

import io.pgsink.tools.JvmLauncher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tools command in a JVM of its own whose output is relayed line by line with a prefix, so that an example can
 * kill it for real (SIGKILL) and show what it printed up to then.
 */
final class ToolsJvm implements AutoCloseable {

    private final Process process;
    private final Thread relay;

    private ToolsJvm(Process process, Thread relay) {
        this.process = process;
        this.relay = relay;
    }

    static ToolsJvm start(List<String> args, PrintStream out, String prefix) throws IOException {
        List<String> command = new ArrayList<>(List.of(JvmLauncher.java(), "-Xmx512m"));
        command.addAll(JvmLauncher.launcher());
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread relay = new Thread(() -> relay(process, out, prefix), "relay-" + process.pid());
        relay.setDaemon(true);
        relay.start();
        return new ToolsJvm(process, relay);
    }

    private static void relay(Process process, PrintStream out, String prefix) {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            reader.lines().forEach(line -> out.println(prefix + line));
        } catch (IOException | UncheckedIOException e) {
            // The process was killed while a line was being read: what it printed before is out already.
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, nothing flushed or committed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        relay.join(TimeUnit.SECONDS.toMillis(5));
    }

    /** Waits for the exit and the last relayed line; returns the exit code, or -1 if it did not exit in time. */
    int waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        if (!process.waitFor(timeout, unit)) {
            return -1;
        }
        relay.join(TimeUnit.SECONDS.toMillis(5));
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
