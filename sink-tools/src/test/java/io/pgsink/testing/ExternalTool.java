package io.pgsink.testing;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A program outside Maven that a test needs (promtool, a headless Chromium), taken from Debian's packages: {@code
 * .ci/run} installs them. Missing on a developer's machine, the test is skipped with a message saying which package
 * to install; missing in CI ({@code CI=true}), the test fails, so CI never passes without running it.
 */
public final class ExternalTool {

    private final Path executable;

    private ExternalTool(Path executable) {
        this.executable = executable;
    }

    /** The first of {@code names} found on the PATH; skips or fails the test (see the class comment) if none is. */
    public static ExternalTool require(String debianPackage, String... names) {
        Optional<Path> found = find(names);
        if (found.isPresent()) {
            return new ExternalTool(found.get());
        }
        String message = String.join(" or ", names) + " is not on the PATH; install Debian's " + debianPackage
                + " package (apt-get install -y " + debianPackage + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + ": CI must run this test (.ci/run installs it)");
        }
        abort("skipped: " + message + " to run this test");
        throw new AssertionError("unreachable");
    }

    /** The first of {@code names} found on the PATH, if any. */
    public static Optional<Path> find(String... names) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : names) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Runs the tool in {@code dir} and returns its exit status and output; fails after {@code timeout}. */
    public Result run(Path dir, Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile("pgsink-tool-", ".out");
        Path stderr = Files.createTempFile("pgsink-tool-", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                fail(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), read(stdout), read(stderr));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** What a run printed and its exit status. */
    public record Result(int exitStatus, String stdout, String stderr) {

        /** Standard output followed by standard error. */
        public String output() {
            return stdout + stderr;
        }
    }
}
