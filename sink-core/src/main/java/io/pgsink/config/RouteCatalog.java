package io.pgsink.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The keys of one route, each defined once as {@code route.<name>.<setting>}: parsed under every concrete route
 * name ({@code route.orders.table}) and documented once in {@code docs/configuration.md}. The flat keys of
 * {@link ConfigCatalog} ({@code kafka.topics}, {@code table}, ...) are the same settings for the single route named
 * {@value Route#DEFAULT_NAME}.
 */
public final class RouteCatalog {

    /** Every route key starts with this, followed by the route's name and a dot. */
    public static final String PREFIX = "route.";
    /** What stands for the route's name in the documented key names. */
    static final String NAME = "<name>";
    /** A route name: letters, digits, '_' and '-' (a dot would make the key ambiguous). */
    static final Pattern ROUTE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final Pattern ANY = Pattern.compile("(?s).+");
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern PAIR = Pattern.compile("[^:\\s]+\\s*:\\s*[^:\\s]+");

    static final ConfigKey<List<String>> TOPICS = key(
            "topics",
            ValueType.list(
                    "topic names (letters, digits, '.', '_', '-'), comma separated", TOPIC, "list topics like orders"),
            "",
            "Topics this route reads; set this or topics.regex. A topic belongs to one route only.");
    static final ConfigKey<String> TOPICS_REGEX = key(
            "topics.regex",
            ValueType.text("a Java regular expression", ANY, "set a pattern like events\\..*"),
            null,
            "Regular expression matched against whole topic names; topics created later that match are read too"
                    + " (when the consumer refreshes its metadata, kafka.consumer.metadata.max.age.ms).");
    static final ConfigKey<String> TABLE = ConfigKey.required(
            PREFIX + NAME + ".table",
            ValueType.text("name or schema.name, optionally with ${topic}", ANY, "set a table like public.orders"),
            "the route's target table",
            "public.orders",
            "Target table, as the flat key table; ${topic} stands for the record's topic, lower-cased with every"
                    + " character other than a letter, digit or underscore written as _ (events.eu-1 -> events_eu_1).");
    static final ConfigKey<WriteMode> MODE = key(
            "mode", ValueType.choice(WriteMode.class), "insert", "How rows are written, as the flat key write.mode.");
    static final ConfigKey<KeySource> KEY_SOURCE = key(
            "key.source",
            ValueType.choice(KeySource.class),
            "value",
            "Where a row's key comes from: value fields, the record key, or the coordinates (the topic, partition and"
                    + " offset columns of mapping.metadata).");
    static final ConfigKey<List<String>> KEY_COLUMNS = key(
            "key.columns",
            ValueType.list("column names, comma separated", ANY, "list columns like tenant_id,order_id"),
            "",
            "Columns that identify a row; empty means the table's primary key.");
    static final ConfigKey<InputFormat> FORMAT =
            key("format", ValueType.choice(InputFormat.class), "json", "How record values are read.");
    static final ConfigKey<String> DEADLETTER_TOPIC = key(
            "deadletter.topic",
            ValueType.text("a topic name", TOPIC, "set a topic like orders.dlt"),
            null,
            "Dead-letter topic of this route's records; unset means the source topic's name plus .dlt.");
    static final ConfigKey<Boolean> DELETES = key(
            "deletes",
            ValueType.bool(),
            null,
            "Whether tombstones and delete events remove the row by key; unset means true for format=debezium and"
                    + " false otherwise. When off they are skipped and counted.");
    static final ConfigKey<Boolean> TRUNCATES =
            key("truncates", ValueType.bool(), "false", "Whether a Debezium truncate event empties the table.");
    static final ConfigKey<MissingRowPolicy> UPDATE_MISSING = key(
            "update.missing",
            ValueType.choice(MissingRowPolicy.class),
            "dead-letter",
            "mode=update: what a record whose row does not exist comes to.");
    static final ConfigKey<Boolean> AUTO_CREATE = key(
            "auto.create",
            ValueType.bool(),
            "false",
            "Create a missing table from the records' schema, or from declared.columns for schemaless JSON.");
    static final ConfigKey<Boolean> AUTO_ADD_COLUMNS = key(
            "auto.add.columns",
            ValueType.bool(),
            "false",
            "Add a nullable column when records carry a field with a known type and no column; never drops or narrows."
                    + " Needs a format with a schema: schemaless json has no types to add a column by.");
    static final ConfigKey<List<String>> DECLARED_COLUMNS = key(
            "declared.columns",
            ValueType.definitions(
                    "column definitions \"name type\", comma separated",
                    Pattern.compile("\\S+\\s+\\S.*"),
                    "list definitions like id bigint,amount numeric(10,2)"),
            "",
            "Columns of a table auto.create makes for schemaless JSON.");
    static final ConfigKey<List<String>> MAPPING_INCLUDE = key(
            "mapping.include",
            ValueType.list("field names, comma separated", ANY, "list fields like id,amount"),
            "",
            "Fields to keep; empty keeps every field.");
    static final ConfigKey<List<String>> MAPPING_EXCLUDE = key(
            "mapping.exclude",
            ValueType.list("field names, comma separated", ANY, "list fields like internal_note"),
            "",
            "Fields to drop.");
    static final ConfigKey<List<String>> MAPPING_RENAME = key(
            "mapping.rename",
            ValueType.list("field:column pairs, comma separated", PAIR, "list pairs like orderId:order_id"),
            "",
            "Field to column, before the naming convention.");
    static final ConfigKey<List<String>> MAPPING_PATHS = key(
            "mapping.paths",
            ValueType.list("column:dotted.path pairs, comma separated", PAIR, "list pairs like city:address.city"),
            "",
            "Column taken from a nested field.");
    static final ConfigKey<String> MAPPING_VALUE_COLUMN = key(
            "mapping.value.column",
            ValueType.text("a column name", ANY, "set a json or jsonb column like payload"),
            null,
            "A json/jsonb column that receives the whole value (the after-image for change events).");
    static final ConfigKey<List<String>> MAPPING_METADATA = key(
            "mapping.metadata",
            ValueType.list(
                    "metadata:column pairs (topic, partition, offset, timestamp, key), comma separated",
                    PAIR,
                    "list pairs like topic:src_topic,offset:src_offset"),
            "",
            "Kafka metadata written to columns.");
    static final ConfigKey<List<String>> MAPPING_HEADERS = key(
            "mapping.headers",
            ValueType.list("header:column pairs, comma separated", PAIR, "list pairs like trace-id:trace_id"),
            "",
            "Record headers written to columns, as UTF-8 text.");
    static final ConfigKey<NamingConvention> MAPPING_NAMING = key(
            "mapping.naming",
            ValueType.choice(NamingConvention.class),
            "exact",
            "How field names find their columns: exact, or snake-case (orderId to order_id).");

    private static final List<ConfigKey<?>> KEYS = List.of(
            TOPICS,
            TOPICS_REGEX,
            TABLE,
            MODE,
            KEY_SOURCE,
            KEY_COLUMNS,
            FORMAT,
            DEADLETTER_TOPIC,
            DELETES,
            TRUNCATES,
            UPDATE_MISSING,
            AUTO_CREATE,
            AUTO_ADD_COLUMNS,
            DECLARED_COLUMNS,
            MAPPING_INCLUDE,
            MAPPING_EXCLUDE,
            MAPPING_RENAME,
            MAPPING_PATHS,
            MAPPING_VALUE_COLUMN,
            MAPPING_METADATA,
            MAPPING_HEADERS,
            MAPPING_NAMING);

    private RouteCatalog() {}

    /** Every route key, named {@code route.<name>.<setting>}, in documentation order. */
    public static List<ConfigKey<?>> keys() {
        return KEYS;
    }

    /** The route key with this setting ({@code table}, {@code mapping.rename}), if there is one. */
    static Optional<ConfigKey<?>> setting(String setting) {
        return KEYS.stream()
                .filter(key -> key.name().equals(templateName(setting)))
                .findFirst();
    }

    static String templateName(String setting) {
        return PREFIX + NAME + "." + setting;
    }

    private static <T> ConfigKey<T> key(String setting, ValueType<T> type, String defaultValue, String doc) {
        return ConfigKey.optional(templateName(setting), type, defaultValue, doc);
    }
}
