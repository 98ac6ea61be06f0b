package io.pgsink.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns flat properties into a {@link SinkConfig}, collecting every problem before failing: catalog keys in
 * catalog order, then pass-through settings, then unknown keys.
 */
final class ConfigParser {

    private static final String KEY_HINT_FORMAT = "did you mean %s?";

    private final Map<String, String> properties;
    private final List<String> problems = new ArrayList<>();

    private ConfigParser(Map<String, String> properties) {
        this.properties = new TreeMap<>(properties);
    }

    static SinkConfig parse(Map<String, String> properties) {
        return new ConfigParser(properties).parse();
    }

    /** The flat keys that describe the single route, with the route setting each one stands for. */
    private static final List<Map.Entry<ConfigKey<?>, String>> FLAT_ROUTE_KEYS = List.of(
            Map.entry(ConfigCatalog.TOPICS, "topics"),
            Map.entry(ConfigCatalog.TABLE, "table"),
            Map.entry(ConfigCatalog.WRITE_MODE, "mode"),
            Map.entry(ConfigCatalog.KEY_COLUMNS, "key.columns"),
            Map.entry(ConfigCatalog.DEADLETTER_TOPIC, "deadletter.topic"));

    private SinkConfig parse() {
        String bootstrapServers = value(ConfigCatalog.BOOTSTRAP_SERVERS);
        String groupId = value(ConfigCatalog.GROUP_ID);
        List<Route> routes = RouteParser.parse(properties, problems);
        boolean routed = properties.keySet().stream().anyMatch(RouteParser::isRouteKey);
        if (routed) {
            flatRouteKeysAbsent();
        }
        List<String> topics = routed ? List.of() : value(ConfigCatalog.TOPICS);
        String postgresUrl = value(ConfigCatalog.POSTGRES_URL);
        String postgresUser = value(ConfigCatalog.POSTGRES_USER);
        String postgresPassword = value(ConfigCatalog.POSTGRES_PASSWORD);
        String table = routed ? null : value(ConfigCatalog.TABLE);
        WriteMode writeMode = value(ConfigCatalog.WRITE_MODE);
        List<String> keyColumns = value(ConfigCatalog.KEY_COLUMNS);
        UnknownFieldPolicy unknownFields = value(ConfigCatalog.UNKNOWN_FIELDS);
        Integer batchMaxRecords = value(ConfigCatalog.BATCH_MAX_RECORDS);
        Long batchMaxBytes = value(ConfigCatalog.BATCH_MAX_BYTES);
        Duration batchLinger = value(ConfigCatalog.BATCH_LINGER);
        Integer writeConcurrency = value(ConfigCatalog.WRITE_CONCURRENCY);
        Long bufferMaxBytes = value(ConfigCatalog.BUFFER_MAX_BYTES);
        Duration shutdownTimeout = value(ConfigCatalog.SHUTDOWN_TIMEOUT);
        WriteMethod writeMethod = value(ConfigCatalog.WRITE_METHOD);
        String deadLetterTopic = value(ConfigCatalog.DEADLETTER_TOPIC);
        Duration deadLetterTimeout = value(ConfigCatalog.DEADLETTER_TIMEOUT);
        Duration batchTargetLatency = value(ConfigCatalog.BATCH_TARGET_LATENCY);
        Duration statementTimeout = value(ConfigCatalog.STATEMENT_TIMEOUT);
        Duration retryBudget = value(ConfigCatalog.RETRY_BUDGET);
        Integer httpPort = value(ConfigCatalog.HTTP_PORT);
        DeliveryGuarantee deliveryGuarantee = value(ConfigCatalog.DELIVERY_GUARANTEE);
        String progressTable = value(ConfigCatalog.PROGRESS_TABLE);
        String groupInstanceId = value(ConfigCatalog.GROUP_INSTANCE_ID);
        String auditTable = value(ConfigCatalog.AUDIT_TABLE);
        Duration foreignKeyRetry = value(ConfigCatalog.FOREIGN_KEY_RETRY);
        Integer driftRejections = value(ConfigCatalog.DRIFT_CONSECUTIVE_REJECTIONS);
        Boolean deadLetterCreate = value(ConfigCatalog.DEADLETTER_TOPIC_CREATE);
        Integer deadLetterPartitions = value(ConfigCatalog.DEADLETTER_TOPIC_PARTITIONS);
        Integer deadLetterReplication = value(ConfigCatalog.DEADLETTER_TOPIC_REPLICATION_FACTOR);
        DeadLetterTopicSettings.checkReplicationFactor(deadLetterReplication, problems);
        LogFormat logFormat = value(ConfigCatalog.LOG_FORMAT);
        String tracingEndpoint = value(ConfigCatalog.TRACING_OTLP_ENDPOINT);
        Map<String, String> sqlStateOverrides = ErrorSettings.overrides(properties, problems);
        Map<String, String> consumer = passThrough(ConfigCatalog.KAFKA_CONSUMER_PREFIX);
        Map<String, String> pool = passThrough(ConfigCatalog.POSTGRES_POOL_PREFIX);
        PassThroughRules.check(consumer, pool, writeConcurrency, problems);
        if (batchMaxBytes != null && bufferMaxBytes != null) {
            SinkConfig.checkBufferHoldsBatch(batchMaxBytes, bufferMaxBytes, problems);
        }
        SinkConfig.checkWaitsFitPollInterval(shutdownTimeout, consumer, problems);
        reportUnknownKeys();
        ConfigException.throwIfAny(problems);
        return new SinkConfig(
                bootstrapServers,
                groupId,
                topics,
                consumer,
                postgresUrl,
                postgresUser,
                postgresPassword,
                pool,
                table,
                writeMode,
                keyColumns,
                unknownFields,
                batchMaxRecords,
                batchMaxBytes,
                batchLinger,
                writeConcurrency,
                bufferMaxBytes,
                shutdownTimeout,
                writeMethod,
                deadLetterTopic,
                deadLetterTimeout,
                statementTimeout,
                retryBudget,
                httpPort,
                batchTargetLatency,
                deliveryGuarantee,
                progressTable,
                groupInstanceId,
                new ErrorSettings(sqlStateOverrides, foreignKeyRetry, driftRejections),
                routes,
                new DeadLetterTopicSettings(deadLetterCreate, deadLetterPartitions, deadLetterReplication),
                auditTable,
                new ObservabilitySettings(logFormat, tracingEndpoint));
    }

    private void flatRouteKeysAbsent() {
        for (Map.Entry<ConfigKey<?>, String> flat : FLAT_ROUTE_KEYS) {
            String raw = properties.get(flat.getKey().name());
            if (raw != null && !raw.isBlank()) {
                problems.add(flatWithRoutes(flat.getKey().name(), flat.getValue()));
            }
        }
    }

    static String flatWithRoutes(String flatKey, String setting) {
        return flatKey + ": set together with route.* keys, which replace it; move it into a route as "
                + RouteCatalog.PREFIX + "<name>." + setting + ", or drop the route.* keys";
    }

    private <T> T value(ConfigKey<T> key) {
        return key.parse(properties.get(key.name()), problems);
    }

    private Map<String, String> passThrough(String prefix) {
        Map<String, String> settings = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (isUnder(key, prefix)) {
                settings.put(key.substring(prefix.length()), value == null ? "" : value.strip());
            }
        });
        return settings;
    }

    private void reportUnknownKeys() {
        properties.keySet().stream()
                .filter(key -> ConfigCatalog.find(key).isEmpty() && !isPassThrough(key))
                .forEach(key -> problems.add(unknown(key)));
    }

    private static boolean isPassThrough(String key) {
        return RouteParser.isRouteKey(key)
                || isUnder(key, ConfigCatalog.KAFKA_CONSUMER_PREFIX)
                || isUnder(key, ConfigCatalog.POSTGRES_POOL_PREFIX)
                || key.startsWith(ConfigCatalog.ERROR_SQLSTATE_PREFIX);
    }

    private static boolean isUnder(String key, String prefix) {
        return key.startsWith(prefix) && key.length() > prefix.length();
    }

    // A key shaped like an environment variable came from one (see EnvironmentOverrides), so it is reported and
    // matched under that name.
    private static String unknown(String key) {
        boolean fromEnvironment = key.startsWith(EnvironmentOverrides.PREFIX);
        List<String> candidates = ConfigCatalog.keys().stream()
                .map(catalogKey -> fromEnvironment ? catalogKey.envName() : catalogKey.name())
                .collect(Collectors.toList());
        Optional<String> suggestion = KeySuggestions.nearest(key, candidates);
        if (fromEnvironment) {
            return key + ": unknown environment variable; "
                    + suggestion
                            .map(KEY_HINT_FORMAT::formatted)
                            .orElse("see docs/configuration.md, and pass Kafka consumer or HikariCP settings as "
                                    + "PGSINK_KAFKA_CONSUMER_<NAME> or PGSINK_POSTGRES_POOL_<NAME>");
        }
        return key + ": unknown key; "
                + suggestion
                        .map(KEY_HINT_FORMAT::formatted)
                        .orElse(
                                "see docs/configuration.md, and pass Kafka consumer or HikariCP settings with the prefix "
                                        + ConfigCatalog.KAFKA_CONSUMER_PREFIX + " or "
                                        + ConfigCatalog.POSTGRES_POOL_PREFIX);
    }
}
