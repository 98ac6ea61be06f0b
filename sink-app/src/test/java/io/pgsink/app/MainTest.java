package io.pgsink.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's command line, without servers: every case here ends before a worker would start. */
class MainTest {

    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(
                List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private List<String> errLines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(out())
                .contains("Usage: pgsink")
                .contains("run")
                .contains("64")
                .contains("bad configuration");
        assertThat(errLines()).isEmpty();
    }

    @Test
    void runHelpDescribesConfigAndTheEnvironmentOverride() {
        assertThat(run("run", "--help")).isZero();
        assertThat(out())
                .contains("Usage: pgsink run")
                .contains("--config=FILE")
                .contains("PGSINK_")
                .contains("--verbose");
    }

    @Test
    void versionComesFromTheBuild() {
        assertThat(run("--version")).isZero();
        assertThat(out().strip()).matches("pgsink \\d+\\.\\d+\\.\\d+.*");

        out.reset();
        assertThat(run("run", "--version")).isZero();
        assertThat(out().strip()).matches("pgsink \\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(run()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines()).hasSize(2).last().asString().contains("--help");
    }

    @Test
    void unknownCommandIsAUsageErrorInOneLine() {
        assertThat(run("serve")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines()).containsExactly("unknown command: serve", "see 'pgsink --help'");
    }

    @Test
    void unknownOptionIsAUsageErrorBeforeTheConfigIsRead() throws IOException {
        Path config = badConfig();

        assertThat(run("run", "--config", config.toString(), "--bogus")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines()).containsExactly("unknown run option --bogus", "see 'pgsink run --help'");
        assertThat(out()).isEmpty();
    }

    @Test
    void unknownOptionIsNamedBeforeTheMissingConfig() {
        assertThat(run("run", "--bogus")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines()).containsExactly("unknown run option --bogus", "see 'pgsink run --help'");
    }

    @Test
    void unknownTopLevelOptionIsAUsageError() {
        assertThat(run("--bogus")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines()).containsExactly("unknown option --bogus", "see 'pgsink --help'");
    }

    @Test
    void missingConfigIsAUsageError() {
        assertThat(run("run")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines()).hasSize(2).first().asString().contains("--config");
    }

    @Test
    void configWithoutItsValueIsAUsageError() {
        assertThat(run("run", "--config")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines()).hasSize(2).first().asString().contains("--config");
    }

    @Test
    void badOptionValueIsAUsageError() throws IOException {
        assertThat(run("run", "--config", badConfig().toString(), "--verbose=maybe"))
                .isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines())
                .hasSize(2)
                .first()
                .asString()
                .contains("--verbose")
                .contains("maybe");
    }

    @Test
    void configWithEqualsSignIsRead() throws IOException {
        assertThat(run("run", "--config=" + badConfig())).isEqualTo(Cli.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("batch.max.records");
    }

    @Test
    void badConfigFileExitsWithCode2NamingTheBadKey() throws IOException {
        assertThat(run("run", "--config", badConfig().toString())).isEqualTo(Cli.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("batch.max.records")
                .doesNotContain("at io.");
    }

    @Test
    void unreadableConfigFileExitsWithCode2() {
        Path missing = directory.resolve("missing.properties");

        assertThat(run("run", "--config", missing.toString())).isEqualTo(Cli.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot be read");
    }

    private Path badConfig() throws IOException {
        Path file = directory.resolve("pgsink.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "kafka.bootstrap.servers=localhost:9092",
                        "kafka.group.id=g",
                        "kafka.topics=t",
                        "postgres.url=jdbc:postgresql://localhost:5432/db",
                        "table=t",
                        "batch.max.records=lots",
                        ""));
        return file;
    }
}
