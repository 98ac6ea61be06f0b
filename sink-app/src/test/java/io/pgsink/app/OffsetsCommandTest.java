package io.pgsink.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offsets commands' usage checks, without servers: each case ends before the config file is read (it does
 * not exist), so a usage error is reported as one, never as a bad configuration or a connection failure.
 */
class OffsetsCommandTest {

    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int reset(String... options) {
        List<String> args = new ArrayList<>(List.of(
                "offsets",
                "reset",
                "--config",
                directory.resolve("missing.properties").toString()));
        args.addAll(List.of(options));
        return run(args);
    }

    private int run(List<String> args) {
        return Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> errLines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void resetWithoutATargetIsAUsageError() {
        assertThat(reset()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines())
                .containsExactly(
                        "choose a target: one of --to-offset, --to-datetime, --to-earliest, --to-latest, --shift-by",
                        "see 'pgsink offsets reset --help'");
    }

    @Test
    void resetWithTwoTargetsIsAUsageErrorNamingBoth() {
        assertThat(reset("--to-offset", "100", "--to-latest")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines())
                .containsExactly(
                        "choose one target, not --to-offset and --to-latest", "see 'pgsink offsets reset --help'");
    }

    @Test
    void partitionWithoutTopicIsAUsageError() {
        assertThat(reset("--to-earliest", "--partition", "0")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines()).containsExactly("--partition needs --topic", "see 'pgsink offsets reset --help'");
    }

    @Test
    void negativeOffsetOrPartitionIsAUsageError() {
        assertThat(reset("--to-offset", "-1")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines()).first().isEqualTo("--to-offset must be >= 0, not -1");

        err.reset();
        assertThat(reset("--to-latest", "--topic", "t", "--partition", "-2")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines()).first().isEqualTo("--partition must be >= 0, not -2");
    }

    @Test
    void datetimeWithoutAZoneIsAUsageError() {
        assertThat(reset("--to-datetime", "2026-11-30T07:00:00")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines())
                .hasSize(2)
                .first()
                .asString()
                .startsWith("--to-datetime: \"2026-11-30T07:00:00\" is not an ISO-8601 date-time with a zone");
    }

    @Test
    void nonNumericOffsetIsAUsageError() {
        assertThat(reset("--to-offset", "ten")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines())
                .hasSize(2)
                .first()
                .asString()
                .contains("--to-offset")
                .contains("ten");
    }

    @Test
    void aValidResetReadsTheConfigNext() {
        assertThat(reset("--to-datetime", "2026-11-30T08:00:00+01:00", "--topic", "t", "--partition", "0"))
                .isEqualTo(Cli.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot be read");
    }

    @Test
    void offsetsWithoutASubcommandIsAUsageError() {
        assertThat(run(List.of("offsets"))).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines()).hasSize(2).last().asString().contains("pgsink offsets --help");
    }

    @Test
    void listNeedsTheConfig() {
        assertThat(run(List.of("offsets", "list", "--json"))).isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines()).hasSize(2).first().asString().contains("--config");
    }

    @Test
    void helpShowsTheTargetsAndTheExitCodes() {
        assertThat(run(List.of("offsets", "reset", "--help"))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--to-offset=N")
                .contains("--to-datetime=ISO-8601")
                .contains("--shift-by=N")
                .contains("--execute")
                .contains("active members");
    }
}
