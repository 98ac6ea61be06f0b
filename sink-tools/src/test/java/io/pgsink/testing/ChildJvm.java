package io.pgsink.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A pgsink worker (or the demo) in its own JVM, started from the built fat jar as an operator would, so tests can
 * kill it for real: {@link #kill()} sends SIGKILL, {@link #terminate()} SIGTERM, {@link #stop()} and {@link
 * #resume()} freeze and thaw it (SIGSTOP, SIGCONT) as a long GC pause or a stalled VM would. Output goes to a log
 * file for diagnosis.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code java [jvmArgs] -jar pgsink.jar args...}: the worker jar, as operators run it. */
    public static ChildJvm start(List<String> jvmArgs, List<String> args, Map<String, String> env) throws IOException {
        return start(jar("pgsink.jar", "../sink-app/target/pgsink.jar"), jvmArgs, args, env);
    }

    /** Starts {@code java [jvmArgs] -jar pgsink-tools.jar args...}: the demo and the bench, as users run them. */
    public static ChildJvm startTools(List<String> jvmArgs, List<String> args, Map<String, String> env)
            throws IOException {
        return start(jar("pgsink.tools.jar", "target/pgsink-tools.jar"), jvmArgs, args, env);
    }

    private static String jar(String property, String orElse) {
        String jar = System.getProperty(property, orElse);
        if (!new File(jar).isFile()) {
            throw new IllegalStateException("the fat jar " + jar + " is missing: run the tests with mvn verify");
        }
        return jar;
    }

    private static ChildJvm start(String jar, List<String> jvmArgs, List<String> args, Map<String, String> env)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar);
        command.addAll(args);
        Path log = Files.createTempFile("pgsink-child-", ".log");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return new ChildJvm(builder.start(), log);
    }

    /** Writes a properties file for {@code run --config}. */
    public static Path propertiesFile(Map<String, String> settings) throws IOException {
        Path file = Files.createTempFile("pgsink-", ".properties");
        StringBuilder text = new StringBuilder();
        settings.forEach((k, v) ->
                text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, text);
        return file;
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    public String output() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the worker's shutdown hook finishes in-flight batches and commits. */
    public void terminate() {
        process.destroy();
    }

    /**
     * SIGSTOP: every thread of the JVM stops where it is, heartbeats and open transactions included, until {@link
     * #resume()}. The process is not told, so it cannot react: to itself no time passes.
     */
    public void stop() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: a process frozen by {@link #stop()} runs on from where it was. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .redirectErrorStream(true)
                .start();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed: " + output);
        }
    }

    /** Waits for exit; returns the exit code, or -1 if it did not exit in time. */
    public int waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
