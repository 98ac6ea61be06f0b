package io.pgsink.app;

import io.pgsink.DeadLetter;
import io.pgsink.DeadLetterQueue;
import io.pgsink.DeadLetterSelection;
import io.pgsink.config.SinkConfig;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pgsink dlq inspect --config FILE [filters] [--format table|json] [--show-values]}. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Lists dead letters with where they came from and why they were rejected (the pgsink.error.* headers),"
                    + " reading the dead-letter topics up to their end offsets at start, without joining a consumer"
                    + " group.",
            "Keys and values are records' data: they are shown only with --show-values."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failed (Kafka)", "2:bad configuration", "64:bad usage"})
final class DlqInspectCommand implements Callable<Integer> {

    enum Format {
        table,
        json
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private DlqCommand.Selection selection;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "table (default) or json: one JSON object per dead letter and line")
    private Format format = Format.table;

    @Option(names = "--show-values", description = "also print each dead letter's key and value (the row's data)")
    private boolean showValues;

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;

    DlqInspectCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws InterruptedException {
        DeadLetterSelection selected = selection.toSelection(spec);
        SinkConfig config = DlqCommand.config(selection.configFile, environment, err);
        if (config == null) {
            return Cli.EXIT_CONFIG;
        }
        List<DeadLetter> letters = new ArrayList<>();
        try {
            DeadLetterQueue.inspect(
                    config, selected, format == Format.json ? l -> out.println(json(l, showValues)) : letters::add);
        } catch (IllegalStateException e) {
            return DlqCommand.failed("inspect", e, selection.verbose, err);
        }
        if (format == Format.table) {
            printTable(letters);
        }
        return Cli.EXIT_OK;
    }

    private void printTable(List<DeadLetter> letters) {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(
                List.of("TOPIC", "PARTITION", "OFFSET", "TIME", "SOURCE", "KIND", "SQLSTATE", "COLUMN", "REASON"));
        if (showValues) {
            header.addAll(List.of("KEY", "VALUE"));
        }
        rows.add(header);
        for (DeadLetter l : letters) {
            List<String> row = new ArrayList<>(List.of(
                    l.topic(),
                    Integer.toString(l.partition()),
                    Long.toString(l.offset()),
                    Instant.ofEpochMilli(l.timestamp()).toString(),
                    l.source(),
                    dash(l.kind()),
                    dash(l.sqlState()),
                    dash(l.error("column") != null ? l.error("column") : l.error("constraint")),
                    dash(l.error("message"))));
            if (showValues) {
                row.add(text(l.key()));
                row.add(text(l.value()));
            }
            rows.add(row);
        }
        TextTable.print(rows, out);
        out.println(letters.size() + " dead letter(s)");
    }

    static String json(DeadLetter l, boolean showValues) {
        StringJoiner error = new StringJoiner(",", "{", "}");
        l.error().forEach((k, v) -> error.add(Json.string(k) + ":" + (v == null ? "null" : Json.string(v))));
        StringJoiner names = new StringJoiner(",", "[", "]");
        l.headerNames().forEach(n -> names.add(Json.string(n)));
        String json = "{\"topic\":" + Json.string(l.topic()) + ",\"partition\":" + l.partition()
                + ",\"offset\":" + l.offset()
                + ",\"time\":" + Json.string(Instant.ofEpochMilli(l.timestamp()).toString())
                + ",\"error\":" + error + ",\"headers\":" + names
                + ",\"key_bytes\":" + length(l.key()) + ",\"value_bytes\":" + length(l.value());
        if (showValues) {
            json += ",\"key\":" + nullable(l.key()) + ",\"value\":" + nullable(l.value());
        }
        return json + "}";
    }

    private static String nullable(byte[] bytes) {
        return bytes == null ? "null" : Json.string(new String(bytes, StandardCharsets.UTF_8));
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "-" : new String(bytes, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
    }

    private static int length(byte[] bytes) {
        return bytes == null ? -1 : bytes.length;
    }

    private static String dash(String value) {
        return value == null ? "-" : value.replaceAll("\\s+", " ");
    }
}
