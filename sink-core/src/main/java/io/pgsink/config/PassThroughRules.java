package io.pgsink.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Checks the settings passed through to the Kafka consumer and to HikariCP. Settings that pgsink derives from
 * its own keys, or that the delivery contract depends on, are rejected rather than silently overridden.
 */
final class PassThroughRules {

    static final String POOL_SIZE = "maximumPoolSize";

    /** Managed consumer settings and how to fix each. */
    static final Map<String, String> MANAGED_CONSUMER = ordered(
            "bootstrap.servers", "set kafka.bootstrap.servers instead",
            "group.id", "set kafka.group.id instead",
            "enable.auto.commit", "pgsink commits offsets only after their rows are written; remove it",
            "key.deserializer", "pgsink reads raw bytes and decodes them itself; remove it",
            "value.deserializer", "pgsink reads raw bytes and decodes them itself; remove it",
            "partition.assignment.strategy",
                    "pgsink uses cooperative-sticky assignment so that a rebalance only"
                            + " moves the partitions it has to; remove it",
            "group.instance.id", "set kafka.group.instance.id instead",
            "group.protocol", "pgsink uses the classic group protocol with cooperative-sticky assignment; remove it");

    /** Managed HikariCP settings and how to fix each. */
    static final Map<String, String> MANAGED_POOL = ordered(
            "jdbcUrl", "set postgres.url instead",
            "username", "set postgres.user instead",
            "password", "set postgres.password instead",
            "dataSourceClassName", "pgsink connects through postgres.url; remove it",
            "autoCommit", "pgsink writes each batch in one transaction it commits itself; remove it");

    private PassThroughRules() {}

    /**
     * Adds a problem for each managed or empty setting, and for a pool too small for the writer lanes.
     *
     * @param writeConcurrency the parsed {@code write.concurrency}, or null when it was invalid
     */
    static void check(
            Map<String, String> consumer, Map<String, String> pool, Integer writeConcurrency, List<String> problems) {
        checkPrefix(ConfigCatalog.KAFKA_CONSUMER_PREFIX, consumer, MANAGED_CONSUMER, problems);
        checkPrefix(ConfigCatalog.POSTGRES_POOL_PREFIX, pool, MANAGED_POOL, problems);
        checkNames(consumer, ClientSettings::isKafkaConsumerSetting, KAFKA, problems);
        checkNames(pool, ClientSettings::isHikariSetting, HIKARI, problems);
        String poolSize = pool.get(POOL_SIZE);
        if (poolSize != null && !poolSize.isBlank() && writeConcurrency != null) {
            checkPoolSize(poolSize.strip(), writeConcurrency, problems);
        }
    }

    /** What a client calls its settings and where an operator looks them up, for messages. */
    /** @param names sorted, so that a tie between suggestions goes the same way each run */
    private record Client(String prefix, String kind, List<String> names, String fix) {}

    private static final Client KAFKA = new Client(
            ConfigCatalog.KAFKA_CONSUMER_PREFIX,
            "Kafka consumer setting",
            List.copyOf(new TreeSet<>(ClientSettings.KAFKA_CONSUMER)),
            "see Kafka's consumer configuration reference for the names");
    private static final Client HIKARI = new Client(
            ConfigCatalog.POSTGRES_POOL_PREFIX,
            "HikariCP setting",
            List.copyOf(new TreeSet<>(ClientSettings.HIKARI)),
            "see HikariCP's configuration list for the names, and pass JDBC driver properties as "
                    + ConfigCatalog.POSTGRES_POOL_PREFIX + ClientSettings.HIKARI_DATA_SOURCE_PREFIX + "<property>");

    // The client would ignore (Kafka logs it at WARN among its startup lines) or refuse a name it does not know;
    // a typo then silently leaves the default in force.
    private static void checkNames(
            Map<String, String> settings, Predicate<String> known, Client client, List<String> problems) {
        settings.keySet().stream().filter(name -> !known.test(name)).forEach(name -> {
            String suggestion = KeySuggestions.nearest(name, client.names())
                    .map(near -> "did you mean " + client.prefix() + near + "?")
                    .orElse(client.fix());
            problems.add(client.prefix() + name + ": unknown " + client.kind() + "; " + suggestion);
        });
    }

    private static void checkPrefix(
            String prefix, Map<String, String> settings, Map<String, String> managed, List<String> problems) {
        settings.forEach((name, value) -> {
            if (managed.containsKey(name)) {
                problems.add(prefix + name + ": pgsink manages this setting; " + managed.get(name));
            } else if (value == null || value.isBlank()) {
                problems.add(prefix + name + ": empty value; set a value or remove the key");
            }
        });
    }

    // Each writer lane holds a connection for as long as it writes; a smaller pool would stall lanes on
    // HikariCP's connection timeout instead of failing at startup.
    private static void checkPoolSize(String poolSize, int writeConcurrency, List<String> problems) {
        String key = ConfigCatalog.POSTGRES_POOL_PREFIX + POOL_SIZE;
        String fix = "set at least write.concurrency (" + writeConcurrency + ") or remove the key";
        try {
            if (Integer.parseInt(poolSize) < writeConcurrency) {
                problems.add(key + ": \"" + poolSize + "\" is less than write.concurrency; " + fix);
            }
        } catch (NumberFormatException notANumber) {
            problems.add(key + ": \"" + poolSize + "\" is not an integer; " + fix);
        }
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
