package io.pgsink.config;

import java.util.Map;
import java.util.stream.Collectors;

/** Renders {@link ConfigCatalog} as the Markdown reference checked in at {@code docs/configuration.md}. */
final class ReferenceDoc {

    static final String REGENERATE_COMMAND =
            "mvn -pl sink-core test -Dtest=ConfigurationDocTest -Dpgsink.regenerateDocs=true";

    private ReferenceDoc() {}

    static String render() {
        StringBuilder doc = new StringBuilder();
        doc.append("# pgsink configuration\n\n")
                .append("<!-- Generated from io.pgsink.config.ConfigCatalog; do not edit by hand. Regenerate with:\n")
                .append("     ")
                .append(REGENERATE_COMMAND)
                .append(" -->\n\n")
                .append("pgsink reads flat `key=value` properties. Values are trimmed and an empty value counts as ")
                .append("unset. At startup every problem is reported at once, each naming its key and how to fix ")
                .append("it; no value is ever adjusted to fit.\n\n")
                .append("| Key | Type | Default | Valid values | Description |\n")
                .append("|---|---|---|---|---|\n");
        ConfigCatalog.keys().forEach(key -> doc.append(row(key)));
        doc.append(routes());
        doc.append("\n## Environment overrides\n\n")
                .append("Every key can also be set by an environment variable named `PGSINK_` plus the key in upper ")
                .append("case with `.` and `-` written as `_`, e.g. `PGSINK_BATCH_MAX_RECORDS` for ")
                .append("`batch.max.records`. The environment wins over the file. A `PGSINK_` variable that maps to ")
                .append("no key is reported as a problem, except `PGSINK_LOG_LEVEL` (read by the logging ")
                .append(
                        "configuration), the test suite's `PGSINK_TEST_*`, and the service links Kubernetes injects for ")
                .append("a Service named `pgsink` (`PGSINK_SERVICE_HOST`, `PGSINK_SERVICE_PORT`, ")
                .append("`PGSINK_SERVICE_PORT_<NAME>`, `PGSINK_PORT`, `PGSINK_PORT_<port>_<TCP|UDP|SCTP>` and its ")
                .append("`_PROTO`, `_PORT`, `_ADDR`); other variables are ignored.\n\n")
                .append("## Pass-through settings\n\n")
                .append(passThrough(
                        ConfigCatalog.KAFKA_CONSUMER_PREFIX,
                        "the Kafka consumer",
                        "PGSINK_KAFKA_CONSUMER_MAX_POLL_RECORDS",
                        "max.poll.records",
                        PassThroughRules.MANAGED_CONSUMER))
                .append(passThrough(
                        ConfigCatalog.POSTGRES_POOL_PREFIX,
                        "HikariCP",
                        "PGSINK_POSTGRES_POOL_MAXIMUM_POOL_SIZE",
                        PassThroughRules.POOL_SIZE,
                        PassThroughRules.MANAGED_POOL))
                .append("\nA pass-through name must be one the client knows: Kafka's consumer settings ")
                .append("(`ConsumerConfig.configNames()`, plus `config.providers` and its `config.providers.*` ")
                .append("settings) and HikariCP's settings that take text or a number (plus JDBC driver properties ")
                .append("as `postgres.pool.dataSource.<property>`). Any other name is rejected, with the nearest ")
                .append("known name when one is close, so a typo cannot leave the default in force.\n")
                .append("\n`postgres.pool.")
                .append(PassThroughRules.POOL_SIZE)
                .append("`, when set, must be at least `write.concurrency`.\n")
                .append("\n## Failure class overrides\n\n")
                .append("- `")
                .append(ConfigCatalog.ERROR_SQLSTATE_PREFIX)
                .append("<SQLSTATE>`: `transient`, `poison` or `fatal`; classes that SQLSTATE so instead of pgsink's ")
                .append("own table (see operations.md, \"Failure classes\"), e.g. `")
                .append(ConfigCatalog.ERROR_SQLSTATE_PREFIX)
                .append("P0004=poison`. From the environment, `PGSINK_ERROR_SQLSTATE_P0004`. The code must be five ")
                .append("digits or upper-case letters.\n");
        return doc.toString();
    }

    private static String routes() {
        StringBuilder doc = new StringBuilder("\n## Routes\n\n")
                .append("One worker can serve several routes, each from its own topics into its own table, with its ")
                .append("own mode, key, format, mapping and dead-letter topic. A route is a group of keys ")
                .append("`route.<name>.<setting>`, where the name is letters, digits, `_` and `-`. Without any ")
                .append("`route.` key, the flat keys `kafka.topics`, `table`, `write.mode`, `key.columns` and ")
                .append("`deadletter.topic` describe the one route, named `default`; with `route.` keys, setting ")
                .append("any of those five is an error naming it (worker-wide keys such as `input.unknown.fields`, ")
                .append("`write.method` and the batch settings apply to every route). A topic belongs to one ")
                .append("route: a topic listed twice, or listed by one route and matched by another's ")
                .append("`topics.regex`, is refused at start, and a topic that appears later and matches two ")
                .append("patterns stops its partitions with a message naming both routes. Identifiers longer ")
                .append("than 63 bytes (table names, key and mapping columns, a template filled in with a listed ")
                .append("topic) are refused at start, and for a topic found by a pattern when it is first seen. ")
                .append("At start, a route in upsert or update mode, or with deletes on, needs its key columns ")
                .append(
                        "covered by a unique index or the primary key of each table it names. Route keys are read from ")
                .append("the file only: there are no `PGSINK_` variables for them.\n\n")
                .append("```properties\n")
                .append("route.orders.topics=orders\n")
                .append("route.orders.table=public.orders\n")
                .append("route.orders.mode=upsert\n")
                .append("route.events.topics.regex=events\\..*\n")
                .append("route.events.table=ev_${topic}\n")
                .append("route.events.deadletter.topic=events.dlt\n")
                .append("```\n\n")
                .append("| Key | Type | Default | Valid values | Description |\n")
                .append("|---|---|---|---|---|\n");
        RouteCatalog.keys().forEach(key -> doc.append(row(key)));
        return doc.toString();
    }

    private static String row(ConfigKey<?> key) {
        String type = key.secret() ? key.type() + ", secret" : key.type();
        return "| `" + key.name() + "` | " + type + " | " + defaultCell(key) + " | " + escape(key.validValues()) + " | "
                + escape(key.doc()) + " |\n";
    }

    private static String defaultCell(ConfigKey<?> key) {
        if (key.required()) {
            return "required";
        }
        String value = key.docDefault();
        if (value == null) {
            return "unset";
        }
        return value.isEmpty() ? "empty" : "`" + value + "`";
    }

    private static String passThrough(
            String prefix, String target, String envExample, String setting, Map<String, String> managed) {
        String managedNames =
                managed.keySet().stream().map(name -> "`" + name + "`").collect(Collectors.joining(", "));
        return "- `" + prefix + "<name>`: passed to " + target + " as `<name>`. From the environment, `" + envExample
                + "` sets `" + prefix + setting + "`. pgsink manages and rejects " + managedNames + ".\n";
    }

    private static String escape(String text) {
        return text.replace("|", "\\|");
    }
}
