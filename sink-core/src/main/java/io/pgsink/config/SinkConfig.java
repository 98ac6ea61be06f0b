package io.pgsink.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The validated, immutable settings of one sink worker. Build it with {@link #parse(Map)} from flat properties
 * (optionally merged with the environment by {@link #withEnvironment(Map, Map)}), or directly in tests: the
 * constructor applies the same checks, so every instance is valid. {@link ConfigCatalog} documents each key.
 *
 * <p>{@code postgresUser} and {@code postgresPassword} are {@code null} when unset. The override maps hold the
 * settings under {@code kafka.consumer.} and {@code postgres.pool.} with the prefix stripped; settings that
 * pgsink manages itself (the group id, auto commit, deserializers, the JDBC URL and credentials) are rejected.
 *
 * <p>{@link #toString()} and {@link #redactedPostgresUrl()} never contain the password, wherever it was given.
 */
public record SinkConfig(
        String bootstrapServers,
        String groupId,
        List<String> topics,
        Map<String, String> consumerOverrides,
        String postgresUrl,
        String postgresUser,
        String postgresPassword,
        Map<String, String> poolOverrides,
        String table,
        WriteMode writeMode,
        List<String> keyColumns,
        UnknownFieldPolicy unknownFields,
        int batchMaxRecords,
        long batchMaxBytes,
        Duration batchLinger,
        int writeConcurrency,
        long bufferMaxBytes,
        Duration shutdownTimeout,
        WriteMethod writeMethod,
        String deadLetterTopic,
        Duration deadLetterTimeout,
        Duration statementTimeout,
        Duration retryBudget,
        int httpPort,
        Duration batchTargetLatency,
        DeliveryGuarantee deliveryGuarantee,
        String progressTable,
        String groupInstanceId,
        ErrorSettings errors,
        List<Route> namedRoutes,
        DeadLetterTopicSettings deadLetterTopics,
        String auditTable,
        ObservabilitySettings observability) {

    /** @throws ConfigException listing every invalid component */
    public SinkConfig {
        List<String> problems = new ArrayList<>();
        ConfigCatalog.BOOTSTRAP_SERVERS.check(bootstrapServers, problems);
        ConfigCatalog.GROUP_ID.check(groupId, problems);
        boolean routed = namedRoutes != null && !namedRoutes.isEmpty();
        if (!routed) {
            ConfigCatalog.TOPICS.check(topics, problems);
        }
        ConfigCatalog.POSTGRES_URL.check(postgresUrl, problems);
        ConfigCatalog.POSTGRES_USER.check(postgresUser, problems);
        ConfigCatalog.POSTGRES_PASSWORD.check(postgresPassword, problems);
        if (routed) {
            checkRoutes(namedRoutes, topics, table, problems);
        } else {
            ConfigCatalog.TABLE.check(table, problems);
        }
        ConfigCatalog.WRITE_MODE.check(writeMode, problems);
        ConfigCatalog.KEY_COLUMNS.check(keyColumns, problems);
        ConfigCatalog.UNKNOWN_FIELDS.check(unknownFields, problems);
        ConfigCatalog.BATCH_MAX_RECORDS.check(batchMaxRecords, problems);
        ConfigCatalog.BATCH_MAX_BYTES.check(batchMaxBytes, problems);
        ConfigCatalog.BATCH_LINGER.check(batchLinger, problems);
        ConfigCatalog.WRITE_CONCURRENCY.check(writeConcurrency, problems);
        ConfigCatalog.BUFFER_MAX_BYTES.check(bufferMaxBytes, problems);
        ConfigCatalog.SHUTDOWN_TIMEOUT.check(shutdownTimeout, problems);
        ConfigCatalog.WRITE_METHOD.check(writeMethod, problems);
        ConfigCatalog.DEADLETTER_TOPIC.check(deadLetterTopic, problems);
        ConfigCatalog.DEADLETTER_TIMEOUT.check(deadLetterTimeout, problems);
        ConfigCatalog.STATEMENT_TIMEOUT.check(statementTimeout, problems);
        ConfigCatalog.RETRY_BUDGET.check(retryBudget, problems);
        ConfigCatalog.HTTP_PORT.check(httpPort, problems);
        ConfigCatalog.BATCH_TARGET_LATENCY.check(batchTargetLatency, problems);
        ConfigCatalog.DELIVERY_GUARANTEE.check(deliveryGuarantee, problems);
        ConfigCatalog.PROGRESS_TABLE.check(progressTable, problems);
        ConfigCatalog.GROUP_INSTANCE_ID.check(groupInstanceId, problems);
        ConfigCatalog.AUDIT_TABLE.check(auditTable, problems);
        if (errors == null) {
            problems.add("error.*: missing; pass ErrorSettings.defaults() when nothing is overridden");
        }
        if (deadLetterTopics == null) {
            problems.add("deadletter.topic.*: missing; pass DeadLetterTopicSettings.defaults() when nothing is set");
        }
        if (observability == null) {
            problems.add("log.format, tracing.*: missing; pass ObservabilitySettings.defaults() for text logs and no"
                    + " tracing");
        }
        checkBufferHoldsBatch(batchMaxBytes, bufferMaxBytes, problems);
        if (consumerOverrides != null) {
            checkWaitsFitPollInterval(shutdownTimeout, consumerOverrides, problems);
        }
        if (consumerOverrides == null || poolOverrides == null) {
            problems.add("kafka.consumer.*, postgres.pool.*: missing; pass an empty map when there are no overrides");
        } else {
            PassThroughRules.check(consumerOverrides, poolOverrides, writeConcurrency, problems);
        }
        if (namedRoutes == null) {
            problems.add("route.*: missing; pass an empty list when the flat keys make the one route");
        }
        ConfigException.throwIfAny(problems);
        topics = topics == null ? List.of() : List.copyOf(topics);
        namedRoutes = List.copyOf(namedRoutes);
        consumerOverrides = Map.copyOf(consumerOverrides);
        poolOverrides = Map.copyOf(poolOverrides);
        keyColumns = List.copyOf(keyColumns);
    }

    /**
     * Parses flat properties, e.g. a properties file. Values are trimmed, an empty value counts as absent, and
     * absent optional keys take their catalog default. Nothing is adjusted to fit.
     *
     * @throws ConfigException listing every problem at once: missing, malformed or out-of-range values, unknown
     *     keys (with a suggestion when one is close), managed pass-through settings and cross-key conflicts
     */
    public static SinkConfig parse(Map<String, String> properties) {
        return ConfigParser.parse(properties);
    }

    /**
     * Returns {@code properties} overridden by the {@code PGSINK_*} variables of {@code environment}; other
     * variables are ignored. {@link ConfigKey#envName()} names each key's variable; Kafka consumer and HikariCP
     * settings map as {@code PGSINK_KAFKA_CONSUMER_MAX_POLL_RECORDS} to {@code kafka.consumer.max.poll.records}
     * and {@code PGSINK_POSTGRES_POOL_MAXIMUM_POOL_SIZE} to {@code postgres.pool.maximumPoolSize}. A variable
     * that maps to nothing is kept under its own name, so {@link #parse(Map)} reports it.
     */
    public static Map<String, String> withEnvironment(Map<String, String> properties, Map<String, String> environment) {
        return EnvironmentOverrides.apply(properties, environment);
    }

    /**
     * The routes this worker serves: the {@code route.<name>.*} routes, or, when there are none, the one route
     * named {@value Route#DEFAULT_NAME} that the flat keys ({@code kafka.topics}, {@code table}, {@code write.mode},
     * {@code key.columns}, {@code deadletter.topic}) describe: JSON values, the key from value fields, no deletes.
     */
    public List<Route> routes() {
        if (!namedRoutes.isEmpty()) {
            return namedRoutes;
        }
        return List.of(new Route(
                Route.DEFAULT_NAME,
                topics,
                null,
                table,
                writeMode,
                KeySource.VALUE,
                keyColumns,
                InputFormat.JSON,
                Mapping.identity(),
                deadLetterTopic,
                false,
                false,
                MissingRowPolicy.DEAD_LETTER,
                false,
                false,
                List.of()));
    }

    /** Which route and table each topic goes to. */
    public Routing routing() {
        return new Routing(routes());
    }

    /** The dead-letter topic for records of {@code sourceTopic} (of the flat keys' single route). */
    public String deadLetterTopicFor(String sourceTopic) {
        return deadLetterTopic == null ? sourceTopic + ".dlt" : deadLetterTopic;
    }

    /** The PostgreSQL URL with any password parameter and any {@code user:password@} password shown as ***. */
    public String redactedPostgresUrl() {
        return SecretRedactor.url(postgresUrl);
    }

    /** Whether batches record their progress in {@link #progressTable()}, fenced by partition ownership. */
    public boolean exactlyOnce() {
        return deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE;
    }

    /** Every setting, with the URL redacted, the password masked and credential-like overrides masked. */
    @Override
    public String toString() {
        return "SinkConfig[bootstrapServers=" + bootstrapServers + ", groupId=" + groupId + ", topics=" + topics
                + ", consumerOverrides=" + SecretRedactor.settings(consumerOverrides)
                + ", postgresUrl=" + redactedPostgresUrl() + ", postgresUser=" + postgresUser
                + ", postgresPassword=" + (postgresPassword == null ? null : SecretRedactor.MASK)
                + ", poolOverrides=" + SecretRedactor.settings(poolOverrides) + ", table=" + table
                + ", writeMode=" + writeMode + ", keyColumns=" + keyColumns + ", unknownFields=" + unknownFields
                + ", batchMaxRecords=" + batchMaxRecords + ", batchMaxBytes=" + batchMaxBytes
                + ", batchLinger=" + batchLinger + ", writeConcurrency=" + writeConcurrency
                + ", bufferMaxBytes=" + bufferMaxBytes + ", shutdownTimeout=" + shutdownTimeout
                + ", writeMethod=" + writeMethod + ", deadLetterTopic=" + deadLetterTopic
                + ", deadLetterTimeout=" + deadLetterTimeout + ", statementTimeout=" + statementTimeout
                + ", retryBudget=" + retryBudget + ", httpPort=" + httpPort
                + ", batchTargetLatency=" + batchTargetLatency + ", deliveryGuarantee=" + deliveryGuarantee
                + ", progressTable=" + progressTable + ", groupInstanceId=" + groupInstanceId
                + ", errors=" + errors + ", routes=" + namedRoutes + ", deadLetterTopics=" + deadLetterTopics
                + ", auditTable=" + auditTable + ", observability=" + observability + "]";
    }

    /**
     * The poll thread never waits for the database, except when partitions are revoked or the worker stops: then
     * it waits up to shutdown.timeout.ms for in-flight batches. That wait must end before max.poll.interval.ms,
     * or the worker is thrown out of its group in the middle of handing its partitions over.
     */
    static void checkWaitsFitPollInterval(
            Duration shutdownTimeout, Map<String, String> consumer, List<String> problems) {
        String interval =
                consumer.getOrDefault("max.poll.interval.ms", "300000").strip();
        try {
            long intervalMs = Long.parseLong(interval);
            if (shutdownTimeout != null && shutdownTimeout.toMillis() >= intervalMs) {
                problems.add(
                        ConfigCatalog.SHUTDOWN_TIMEOUT.name() + ": \"" + shutdownTimeout.toMillis()
                                + "\" is not less than kafka.consumer.max.poll.interval.ms (" + intervalMs
                                + "); a revoked"
                                + " partition's in-flight batch could outlast the poll interval: lower it or raise the interval");
            }
        } catch (NumberFormatException e) {
            problems.add(ConfigCatalog.KAFKA_CONSUMER_PREFIX + "max.poll.interval.ms: \"" + interval
                    + "\" is not an integer; set milliseconds or remove the key");
        }
    }

    /** Routes replace the flat keys that describe the single route; both at once would leave one unused. */
    private static void checkRoutes(List<Route> routes, List<String> topics, String table, List<String> problems) {
        if (topics != null && !topics.isEmpty()) {
            problems.add(ConfigParser.flatWithRoutes(ConfigCatalog.TOPICS.name(), "topics"));
        }
        if (table != null) {
            problems.add(ConfigParser.flatWithRoutes(ConfigCatalog.TABLE.name(), "table"));
        }
        List<String> routeProblems = new ArrayList<>();
        routes.forEach(route -> RouteChecks.route(route, RouteParser.key(route.name(), ""), routeProblems));
        RouteChecks.overlaps(routes, routeProblems);
        routeProblems.stream().filter(p -> !problems.contains(p)).forEach(problems::add);
    }

    // Fetching pauses at buffer.max.bytes, so a smaller buffer means batch.max.bytes can never be reached.
    static void checkBufferHoldsBatch(long batchMaxBytes, long bufferMaxBytes, List<String> problems) {
        if (bufferMaxBytes < batchMaxBytes) {
            problems.add(ConfigCatalog.BUFFER_MAX_BYTES.name() + ": \"" + bufferMaxBytes + "\" is less than "
                    + ConfigCatalog.BATCH_MAX_BYTES.name() + " (" + batchMaxBytes + "); set it to at least "
                    + batchMaxBytes + " or lower " + ConfigCatalog.BATCH_MAX_BYTES.name());
        }
    }
}
