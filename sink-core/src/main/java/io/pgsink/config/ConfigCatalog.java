package io.pgsink.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every configuration key pgsink understands, each defined once: name, type, default, valid values, secrecy and
 * documentation. Parsing, validation, environment overrides and the reference in {@code docs/configuration.md}
 * are all derived from this list, so they cannot disagree.
 *
 * <p>Keys under {@value #KAFKA_CONSUMER_PREFIX} and {@value #POSTGRES_POOL_PREFIX} are not listed: they pass
 * through to the Kafka consumer and to HikariCP with the prefix stripped.
 */
public final class ConfigCatalog {

    /** Prefix of settings passed to the Kafka consumer, e.g. {@code kafka.consumer.max.poll.records}. */
    public static final String KAFKA_CONSUMER_PREFIX = "kafka.consumer.";
    /** Prefix of settings passed to HikariCP, e.g. {@code postgres.pool.maximumPoolSize}. */
    public static final String POSTGRES_POOL_PREFIX = "postgres.pool.";
    /** Prefix of SQLSTATE class overrides, e.g. {@code error.sqlstate.23503=transient}. */
    public static final String ERROR_SQLSTATE_PREFIX = "error.sqlstate.";

    private static final Pattern ANY = Pattern.compile("(?s).+");
    private static final Pattern HOST_PORTS = Pattern.compile("[^\\s,]+:\\d+(\\s*,\\s*[^\\s,]+:\\d+)*");
    // An unquoted part, or a quoted one where "" stands for a quote (model.TableRef.parse reads both).
    private static final String TABLE_PART = "(\\s*\"([^\"]|\"\")+\"\\s*|[^.\\s\"]+)";
    /** A table as {@code table} accepts it: name or schema.name, parts quoted as PostgreSQL does. */
    static final Pattern TABLE_NAME = Pattern.compile(TABLE_PART + "(\\." + TABLE_PART + ")?");

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long GIB = 1024 * MIB;

    static final ConfigKey<String> BOOTSTRAP_SERVERS = ConfigKey.required(
            "kafka.bootstrap.servers",
            ValueType.text(
                    "host:port pairs, comma separated", HOST_PORTS, "list the brokers like kafka-1:9092,kafka-2:9092"),
            "the Kafka brokers to connect to",
            "kafka-1:9092,kafka-2:9092",
            "Kafka brokers used for the first connection; the rest of the cluster is discovered from them.");
    static final ConfigKey<String> GROUP_ID = ConfigKey.required(
            "kafka.group.id",
            ValueType.text("any text", ANY, "set a group id"),
            "the Kafka consumer group id",
            "orders-sink",
            "Kafka consumer group id; workers with the same id share the partitions and the committed offsets.");
    static final ConfigKey<List<String>> TOPICS = ConfigKey.required(
            "kafka.topics",
            ValueType.list(
                    "topic names (letters, digits, '.', '_', '-'), comma separated",
                    Pattern.compile("[a-zA-Z0-9._-]{1,249}"),
                    "list topics like orders,payments"),
            "the topics to read",
            "orders,payments",
            "Topics to read; every topic is written to the same table.");
    static final ConfigKey<String> POSTGRES_URL = ConfigKey.required(
            "postgres.url",
            ValueType.text(
                    "a JDBC URL starting with jdbc:postgresql:",
                    Pattern.compile("jdbc:postgresql:.*"),
                    "set a URL like jdbc:postgresql://db:5432/app",
                    SecretRedactor::url),
            "the PostgreSQL JDBC URL",
            "jdbc:postgresql://db:5432/app",
            "PostgreSQL JDBC URL; a password inside it is accepted but redacted wherever the URL is shown.");
    static final ConfigKey<String> POSTGRES_USER = ConfigKey.optional(
            "postgres.user",
            ValueType.text("any text", ANY, "set a user name"),
            null,
            "PostgreSQL user; when unset, the user given in postgres.url applies.");
    static final ConfigKey<String> POSTGRES_PASSWORD = ConfigKey.secret(
            "postgres.password",
            ValueType.text("any text", ANY, "set a password"),
            "PostgreSQL password; prefer setting it from the environment as PGSINK_POSTGRES_PASSWORD.");
    static final ConfigKey<String> TABLE = ConfigKey.required(
            "table",
            ValueType.text(
                    "name or schema.name, a part in double quotes when it holds a dot, space or quote",
                    Pattern.compile(TABLE_PART + "(\\." + TABLE_PART + ")?"),
                    "set a table like public.orders, or quote a part as PostgreSQL does: \"Odd Schema\".events"),
            "the target table",
            "public.orders",
            "Target table for every record, as name or schema.name. Unquoted parts are taken as written (case"
                    + " kept, not folded to lower case); a part with a dot, whitespace or a double quote is written"
                    + " in double quotes with any quote doubled, as in PostgreSQL: \"Odd Schema\".\"Events \"\"X\"\"\".");
    static final ConfigKey<WriteMode> WRITE_MODE = ConfigKey.optional(
            "write.mode",
            ValueType.choice(WriteMode.class),
            "insert",
            "How rows are written: insert adds them; upsert inserts or updates them on the key columns.");
    static final ConfigKey<List<String>> KEY_COLUMNS = ConfigKey.optional(
            "key.columns",
            ValueType.list("column names, comma separated", ANY, "list columns like tenant_id,order_id"),
            "",
            "Columns that identify a row for write.mode=upsert; empty means the table's primary key.");
    static final ConfigKey<UnknownFieldPolicy> UNKNOWN_FIELDS = ConfigKey.optional(
            "input.unknown.fields",
            ValueType.choice(UnknownFieldPolicy.class),
            "ignore",
            "What to do with an input field that has no column: ignore drops it, reject dead-letters the record.");
    static final ConfigKey<Integer> BATCH_MAX_RECORDS = ConfigKey.optional(
            "batch.max.records",
            ValueType.integer(1, 1_000_000),
            "20000",
            "Most records in one batch (one transaction); with batch.target.latency.ms the size adapts below it.");
    static final ConfigKey<Duration> BATCH_TARGET_LATENCY = ConfigKey.optional(
            "batch.target.latency.ms",
            ValueType.millis(0, 60_000),
            "250",
            "Commit latency the adaptive batch size aims for: it grows while commits stay under this and records "
                    + "are waiting, and shrinks above it. 0 turns adaptation off: every batch aims at "
                    + "batch.max.records.");
    static final ConfigKey<Long> BATCH_MAX_BYTES = ConfigKey.optional(
            "batch.max.bytes",
            ValueType.bytes(KIB, GIB),
            String.valueOf(4 * MIB),
            "A batch is written once its records' sizes add up to this many bytes.");
    static final ConfigKey<Duration> BATCH_LINGER = ConfigKey.optional(
            "batch.linger.ms",
            ValueType.millis(0, 60_000),
            "20",
            "A batch that is not full is written this long after its first record arrived.");
    static final ConfigKey<Integer> WRITE_CONCURRENCY = ConfigKey.optional(
            "write.concurrency",
            ValueType.integer(1, 64),
            "1",
            "Parallel writer lanes, each with its own PostgreSQL connection.");
    static final ConfigKey<Long> BUFFER_MAX_BYTES = ConfigKey.optional(
            "buffer.max.bytes",
            ValueType.bytes(MIB, 16 * GIB),
            String.valueOf(16 * MIB),
            "Fetching pauses while this many bytes are buffered and not yet written; "
                    + "it must be at least batch.max.bytes. It also caps one fetch (the consumer's fetch.max.bytes) "
                    + "unless kafka.consumer.fetch.max.bytes is set.");
    static final ConfigKey<Duration> SHUTDOWN_TIMEOUT = ConfigKey.optional(
            "shutdown.timeout.ms",
            ValueType.millis(1_000, 600_000),
            "30000",
            "Longest a clean shutdown spends writing buffered batches and committing their offsets; "
                    + "records left over are read again after a restart.");
    static final ConfigKey<WriteMethod> WRITE_METHOD = ConfigKey.optional(
            "write.method",
            ValueType.choice(WriteMethod.class),
            "copy",
            "How rows are sent: copy streams them with COPY; batch sends a JDBC batch of INSERT statements.");
    static final ConfigKey<String> DEADLETTER_TOPIC = ConfigKey.optional(
            "deadletter.topic",
            ValueType.text("a topic name", Pattern.compile("[a-zA-Z0-9._-]{1,249}"), "set a topic like orders.dlt"),
            null,
            "Topic for records that can never be written; unset means the source topic's name plus .dlt.");
    static final ConfigKey<Duration> DEADLETTER_TIMEOUT = ConfigKey.optional(
            "deadletter.timeout.ms",
            ValueType.millis(1_000, 600_000),
            "30000",
            "Longest wait for the dead-letter topic to acknowledge a record before the worker stops writing.");
    // Dead-letter topic creation (the operations issue): one block, so that it merges beside other additions.
    static final ConfigKey<Boolean> DEADLETTER_TOPIC_CREATE = ConfigKey.optional(
            "deadletter.topic.create",
            ValueType.bool(),
            "true",
            "Create a missing dead-letter topic (at start for the configured topics, before the first dead letter for"
                    + " any other) with deadletter.topic.partitions and deadletter.topic.replication.factor, as Kafka"
                    + " Connect does for its dead-letter queue; false where the cluster forbids it: the topic must"
                    + " then exist before a record is rejected.");
    static final ConfigKey<Integer> DEADLETTER_TOPIC_PARTITIONS = ConfigKey.optional(
            "deadletter.topic.partitions",
            ValueType.integer(1, 100_000),
            "1",
            "Partitions of a dead-letter topic pgsink creates.");
    static final ConfigKey<Integer> DEADLETTER_TOPIC_REPLICATION_FACTOR = ConfigKey.optional(
            "deadletter.topic.replication.factor",
            ValueType.integer(-1, Short.MAX_VALUE),
            "-1",
            "Replication factor of a dead-letter topic pgsink creates; -1 takes the broker's"
                    + " default.replication.factor, 0 is not valid.");
    static final ConfigKey<Duration> STATEMENT_TIMEOUT = ConfigKey.optional(
            "write.statement.timeout.ms",
            ValueType.millis(0, 3_600_000),
            "60000",
            "PostgreSQL statement_timeout for the sink's sessions; a batch that runs longer is cancelled and "
                    + "retried as a transient failure. 0 means no limit.");
    static final ConfigKey<Duration> RETRY_BUDGET = ConfigKey.optional(
            "write.retry.budget.ms",
            ValueType.millis(0, 86_400_000),
            "0",
            "How long transient database failures are retried before the worker stops writing and reports "
                    + "unhealthy; 0 retries until the database is back. Fetching is paused meanwhile, so the worker "
                    + "stays in its group.");
    static final ConfigKey<DeliveryGuarantee> DELIVERY_GUARANTEE = ConfigKey.optional(
            "delivery.guarantee",
            ValueType.choice(DeliveryGuarantee.class),
            "exactly-once",
            "exactly-once records each batch's offsets in delivery.progress.table in the batch's own transaction, "
                    + "fenced by partition ownership, so every record is written once in every write mode; "
                    + "at-least-once keeps progress in Kafka only and may write records again after a crash.");
    static final ConfigKey<String> PROGRESS_TABLE = ConfigKey.optional(
            "delivery.progress.table",
            ValueType.text(
                    "name or schema.name, a part in double quotes when it holds a dot, space or quote",
                    Pattern.compile(TABLE_PART + "(\\." + TABLE_PART + ")?"),
                    "set a table like pgsink.progress"),
            "pgsink_progress",
            "Table holding each partition's next offset and owner for delivery.guarantee=exactly-once; created at "
                    + "start when missing (docs/operations.md has the DDL for databases where pgsink may not create it).");
    static final ConfigKey<String> GROUP_INSTANCE_ID = ConfigKey.optional(
            "kafka.group.instance.id",
            ValueType.text("auto, none, or an id", ANY, "set auto, none or a stable id per worker"),
            "auto",
            "Static group membership, so a restarted worker takes its partitions back at once instead of after the "
                    + "session timeout. auto uses the pod name (HOSTNAME) when running in Kubernetes with "
                    + "delivery.guarantee=exactly-once, whose fencing makes a duplicated id harmless, and no id "
                    + "elsewhere; none turns it off; any other value is the id.");
    static final ConfigKey<Duration> FOREIGN_KEY_RETRY = ConfigKey.optional(
            "error.foreign.key.retry.ms",
            ValueType.millis(0, 600_000),
            "5000",
            "How long a batch that fails a foreign key (SQLSTATE 23503) is retried, waiting for the parent row to"
                    + " arrive, before the record is dead-lettered; 0 dead-letters it at once.");
    static final ConfigKey<Integer> DRIFT_CONSECUTIVE_REJECTIONS = ConfigKey.optional(
            "error.drift.consecutive.rejections",
            ValueType.integer(0, 1_000_000),
            "20",
            "This many rejections in a row with the same SQLSTATE and column, with no record of the table written"
                    + " in between, stop the worker as schema drift instead of dead-lettering more; 0 turns the rule"
                    + " off. Duplicate keys and records that are not JSON objects do not count.");
    static final ConfigKey<String> AUDIT_TABLE = ConfigKey.optional(
            "audit.table",
            ValueType.text(
                    "name or schema.name, a part in double quotes when it holds a dot, space or quote",
                    Pattern.compile(TABLE_PART + "(\\." + TABLE_PART + ")?"),
                    "set a table like pgsink.audit, or leave it empty"),
            null,
            "Table receiving one row per committed batch (batch id, route, table, partitions and offset ranges, rows,"
                    + " dead letters, bytes, start and commit time, worker, transaction id), written in the batch's own"
                    + " transaction; created at start when missing. Unset keeps no audit trail.");
    static final ConfigKey<Integer> HTTP_PORT = ConfigKey.optional(
            "http.port",
            ValueType.integer(0, 65_535),
            "0",
            "Port of the worker's HTTP endpoints (/health, /health/live, /health/ready, /metrics, /stats and the live"
                    + " view at /); 0 turns them off.");

    static final ConfigKey<LogFormat> LOG_FORMAT = ConfigKey.optional(
            "log.format",
            ValueType.choice(LogFormat.class),
            "text",
            "Log lines as text, or as one JSON object per line whose fields include the batch's route, table,"
                    + " partitions, offsets, batch_id and trace_id. Libraries that log through java.util.logging"
                    + " (pgjdbc, the OpenTelemetry exporter) are written the same way.");
    static final ConfigKey<String> TRACING_OTLP_ENDPOINT = ConfigKey.optional(
            "tracing.otlp.endpoint",
            ValueType.text(
                    "an http:// or https:// URL",
                    Pattern.compile("https?://[^\\s]+"),
                    "set an OTLP/HTTP traces URL like http://otel-collector:4318/v1/traces"),
            null,
            "OTLP/HTTP endpoint that receives a span per batch write, linked to the records' traceparent contexts;"
                    + " unset turns tracing off. The worker sends it one empty request at start (waiting up to 2 s),"
                    + " so that the exporter loads then rather than during the first batches.");

    private static final List<ConfigKey<?>> KEYS = List.of(
            BOOTSTRAP_SERVERS,
            GROUP_ID,
            TOPICS,
            POSTGRES_URL,
            POSTGRES_USER,
            POSTGRES_PASSWORD,
            TABLE,
            WRITE_MODE,
            KEY_COLUMNS,
            UNKNOWN_FIELDS,
            BATCH_MAX_RECORDS,
            BATCH_MAX_BYTES,
            BATCH_LINGER,
            BATCH_TARGET_LATENCY,
            WRITE_CONCURRENCY,
            BUFFER_MAX_BYTES,
            SHUTDOWN_TIMEOUT,
            WRITE_METHOD,
            DEADLETTER_TOPIC,
            DEADLETTER_TIMEOUT,
            DEADLETTER_TOPIC_CREATE,
            DEADLETTER_TOPIC_PARTITIONS,
            DEADLETTER_TOPIC_REPLICATION_FACTOR,
            STATEMENT_TIMEOUT,
            RETRY_BUDGET,
            DELIVERY_GUARANTEE,
            PROGRESS_TABLE,
            GROUP_INSTANCE_ID,
            FOREIGN_KEY_RETRY,
            DRIFT_CONSECUTIVE_REJECTIONS,
            AUDIT_TABLE,
            HTTP_PORT,
            LOG_FORMAT,
            TRACING_OTLP_ENDPOINT);

    private ConfigCatalog() {}

    /** Every key, in documentation order. */
    public static List<ConfigKey<?>> keys() {
        return KEYS;
    }

    /** The key with this exact name, if pgsink defines one. */
    public static Optional<ConfigKey<?>> find(String name) {
        return KEYS.stream().filter(key -> key.name().equals(name)).findFirst();
    }

    /** The configuration reference as Markdown; {@code docs/configuration.md} is a checked-in copy. */
    public static String markdown() {
        return ReferenceDoc.render();
    }
}
