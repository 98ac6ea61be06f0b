package io.pgsink.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.app.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The tools launcher's command line: every case here ends before an embedded server would start. */
class ToolsMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ToolsMain.run(
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
    void helpListsDemoBenchAndRun() {
        assertThat(run("--help")).isZero();
        assertThat(out())
                .contains("Usage: pgsink-tools")
                .contains("demo")
                .contains("bench")
                .contains("run");
    }

    @ParameterizedTest
    @CsvSource({"demo, --keep-running", "bench, --partitions=P", "run, --config=FILE", "example, --records=N"})
    void everyCommandHasHelp(String command, String option) {
        assertThat(run(command, "--help")).isZero();
        assertThat(out())
                .contains("Usage: pgsink-tools " + command)
                .contains(option)
                .contains("--verbose");
        assertThat(errLines()).isEmpty();
    }

    @Test
    void anUnknownExampleIsBadUsageNamingTheExamples() {
        assertThat(run("example", "payroll")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(String.join("\n", errLines()))
                .contains("unknown example 'payroll': choose one of audit-log, data-sync, etl, migration");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "migration --kafka k:9092",
                "migration --kafka k:9092 --source jdbc:postgresql://s/a",
                "etl --kafka k:9092 --source jdbc:postgresql://s/a --target jdbc:postgresql://t/b"
            })
    void migrationServersGoTogetherAndWithTheMigrationOnly(String args) {
        assertThat(run(("example " + args).split(" "))).isEqualTo(Cli.EXIT_USAGE);
        assertThat(String.join("\n", errLines()))
                .contains("--kafka, --source and --target go together, with the migration example only");
    }

    @ParameterizedTest
    @CsvSource({"--rows=999, --rows must be at least 1000", "--kill-at=100, --kill-at must be 0 to 99"})
    void migrationOptionsOutOfRangeAreBadUsage(String option, String message) {
        assertThat(run("example", "migration", option)).isEqualTo(Cli.EXIT_USAGE);
        assertThat(String.join("\n", errLines())).contains(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "demo --version", "bench --version"})
    void versionComesFromTheBuild(String args) {
        assertThat(run(args.split(" "))).isZero();
        assertThat(out().strip()).matches("pgsink \\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void unknownOptionIsOneLineAndAHint() {
        assertThat(run("demo", "--bogus")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines()).containsExactly("unknown demo option --bogus", "see 'pgsink-tools demo --help'");
        assertThat(out()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "demo --records 0     | --records must be at least 1, not 0",
                "demo --records -5    | --records must be at least 1, not -5",
                "demo --records ten   | --records",
                "demo --records       | --records",
                "bench --partitions 0 | --partitions must be between 1 and 256",
                "bench --records 10   | --records must be between 1000 and 50000000",
                "bench --only speed   | --only takes throughput, latency or library",
                "bench --rate fast    | --rate needs a whole number, not fast"
            })
    void badValuesAreUsageErrorsBeforeAnythingStarts(String args, String message) {
        assertThat(run(args.split(" "))).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines()).hasSize(2);
        assertThat(errLines().get(0)).contains(message);
        assertThat(errLines().get(1)).contains("--help");
        assertThat(out()).isEmpty();
    }
}
