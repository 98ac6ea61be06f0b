package io.pgsink.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.DeadLetter;
import io.pgsink.DeadLetterSelection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The dlq and validate commands' parsing and usage checks, without servers. */
class DlqCommandTest {

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

    private String missingConfig() {
        return directory.resolve("missing.properties").toString();
    }

    private List<String> errLines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void everyFilterOptionBecomesPartOfTheSelection() {
        DlqInspectCommand command = new DlqInspectCommand(Map.of(), System.out, System.err);
        CommandLine line = new CommandLine(command);
        line.parseArgs(
                "--config", "f.properties",
                "--topic", "a.dlt",
                "--topic", "b.dlt",
                "--kind", "poison",
                "--sqlstate", "23",
                "--partition", "2",
                "--from-offset", "40",
                "--since", "2026-11-30T07:00:00+01:00",
                "--limit", "5");
        DlqCommand.Selection options =
                line.getCommandSpec().mixins().get("selection").userObject() instanceof DlqCommand.Selection s
                        ? s
                        : null;
        assertThat(options).isNotNull();
        DeadLetterSelection selection = options.toSelection(line.getCommandSpec());

        assertThat(selection)
                .isEqualTo(new DeadLetterSelection(
                        List.of("a.dlt", "b.dlt"), 2, 40, Instant.parse("2026-11-30T06:00:00Z"), "poison", "23", 5));
    }

    @Test
    void aSinceThatIsNotATimeIsAUsageErrorBeforeTheConfigIsRead() {
        assertThat(run("dlq", "inspect", "--config", missingConfig(), "--since", "yesterday"))
                .isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines())
                .containsExactly(
                        "--since yesterday is not an ISO-8601 time with an offset, e.g. 2026-11-30T07:00:00Z",
                        "see 'pgsink dlq inspect --help'");
    }

    @Test
    void aMalformedSqlStateOrLimitIsAUsageError() {
        assertThat(run("dlq", "replay", "--config", missingConfig(), "--sqlstate", "235"))
                .isEqualTo(Cli.EXIT_USAGE);
        assertThat(run("dlq", "replay", "--config", missingConfig(), "--limit", "0"))
                .isEqualTo(Cli.EXIT_USAGE);
        assertThat(errLines())
                .containsExactly(
                        "--sqlstate must be a SQLSTATE (5 characters) or a class (2)",
                        "see 'pgsink dlq replay --help'",
                        "--limit must be 1 or more",
                        "see 'pgsink dlq replay --help'");
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        assertThat(run("dlq", "inspect", "--config", missingConfig(), "--format", "yaml"))
                .isEqualTo(Cli.EXIT_USAGE);
    }

    @Test
    void anUnreadableConfigIsABadConfigurationForEveryCommand() {
        assertThat(run("dlq", "inspect", "--config", missingConfig())).isEqualTo(Cli.EXIT_CONFIG);
        assertThat(run("dlq", "replay", "--config", missingConfig(), "--dry-run"))
                .isEqualTo(Cli.EXIT_CONFIG);
        assertThat(run("validate", "--config", missingConfig())).isEqualTo(Cli.EXIT_CONFIG);
        assertThat(errLines().stream().filter(line -> line.contains("missing.properties: cannot be read")))
                .hasSize(3);
    }

    @Test
    void anInvalidConfigNamesEveryBadKeyAndExitsTwo() throws Exception {
        Path config = directory.resolve("bad.properties");
        Files.writeString(config, "kafka.bootstrap.servers=localhost:9092\nbatch.max.records=0\n");

        assertThat(run("validate", "--config", config.toString())).isEqualTo(Cli.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("kafka.group.id: missing")
                .contains("kafka.topics: missing")
                .contains("table: missing")
                .contains("batch.max.records: \"0\" is out of range");
    }

    @Test
    void jsonLinesCarryTheErrorHeadersButNoValuesUnlessAsked() {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("topic", "orders");
        error.put("kind", "POISON");
        error.put("message", "a \"quoted\" reason");
        DeadLetter letter = new DeadLetter(
                "orders.dlt",
                0,
                7,
                0,
                error,
                List.of("traceparent"),
                "k1".getBytes(StandardCharsets.UTF_8),
                "{\"secret\":1}".getBytes(StandardCharsets.UTF_8));

        assertThat(DlqInspectCommand.json(letter, false))
                .isEqualTo("{\"topic\":\"orders.dlt\",\"partition\":0,\"offset\":7,\"time\":\"1970-01-01T00:00:00Z\","
                        + "\"error\":{\"topic\":\"orders\",\"kind\":\"POISON\",\"message\":\"a \\\"quoted\\\" reason\"},"
                        + "\"headers\":[\"traceparent\"],\"key_bytes\":2,\"value_bytes\":12}");
        assertThat(DlqInspectCommand.json(letter, true)).endsWith(",\"key\":\"k1\",\"value\":\"{\\\"secret\\\":1}\"}");
    }

    @Test
    void helpListsTheOperatorCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("validate").contains("dlq");
    }
}
