package io.pgsink.config;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Maps {@code PGSINK_*} environment variables onto configuration keys; the environment wins over the file, so
 * a container can keep the password out of the file.
 *
 * <ul>
 *   <li>a catalog key by its {@link ConfigKey#envName()}: {@code PGSINK_BATCH_MAX_RECORDS} is
 *       {@code batch.max.records};
 *   <li>{@code PGSINK_KAFKA_CONSUMER_MAX_POLL_RECORDS} is {@code kafka.consumer.max.poll.records}: Kafka names are
 *       dotted lower case;
 *   <li>{@code PGSINK_POSTGRES_POOL_MAXIMUM_POOL_SIZE} is {@code postgres.pool.maximumPoolSize}: HikariCP names
 *       are lowerCamelCase;
 *   <li>{@code PGSINK_ERROR_SQLSTATE_23503} is {@code error.sqlstate.23503}.
 * </ul>
 *
 * A {@code PGSINK_} variable that maps to none of these keeps its own name as the key, so parsing reports it as
 * unknown under the name the operator actually set.
 */
final class EnvironmentOverrides {

    static final String PREFIX = "PGSINK_";
    /** Variables with the prefix that are not settings: the log level (read by logback), the test fixture's. */
    static final Set<String> NOT_SETTINGS = Set.of("PGSINK_LOG_LEVEL");

    private static final String TEST_PREFIX = "PGSINK_TEST_";
    /**
     * The variables the kubelet injects into every pod of a namespace that has a Service named {@code pgsink}
     * (docker links use the same shapes): {@code PGSINK_SERVICE_HOST}, {@code PGSINK_SERVICE_PORT} and
     * {@code PGSINK_SERVICE_PORT_<PORT NAME>}, {@code PGSINK_PORT}, and {@code PGSINK_PORT_<port>_<TCP|UDP|SCTP>}
     * with {@code _PROTO}, {@code _PORT} and {@code _ADDR}. They are not settings; any other unknown
     * {@code PGSINK_} name is still reported.
     */
    static final Pattern SERVICE_LINK = Pattern.compile(
            "PGSINK_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_[0-9]{1,5}_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)");

    private static final String CONSUMER_PREFIX = envPrefix(ConfigCatalog.KAFKA_CONSUMER_PREFIX);
    private static final String POOL_PREFIX = envPrefix(ConfigCatalog.POSTGRES_POOL_PREFIX);
    private static final String SQLSTATE_PREFIX = envPrefix(ConfigCatalog.ERROR_SQLSTATE_PREFIX);

    private EnvironmentOverrides() {}

    static Map<String, String> apply(Map<String, String> properties, Map<String, String> environment) {
        Map<String, String> merged = new TreeMap<>(properties);
        new TreeMap<>(environment).forEach((variable, value) -> {
            if (variable.startsWith(PREFIX)
                    && !NOT_SETTINGS.contains(variable)
                    && !variable.startsWith(TEST_PREFIX)
                    && !SERVICE_LINK.matcher(variable).matches()) {
                merged.put(keyFor(variable), value);
            }
        });
        return Collections.unmodifiableMap(merged);
    }

    static String keyFor(String variable) {
        for (ConfigKey<?> key : ConfigCatalog.keys()) {
            if (key.envName().equals(variable)) {
                return key.name();
            }
        }
        String consumerSetting = suffix(variable, CONSUMER_PREFIX);
        if (!consumerSetting.isEmpty()) {
            return ConfigCatalog.KAFKA_CONSUMER_PREFIX
                    + consumerSetting.toLowerCase(Locale.ROOT).replace('_', '.');
        }
        String sqlState = suffix(variable, SQLSTATE_PREFIX);
        if (!sqlState.isEmpty()) {
            return ConfigCatalog.ERROR_SQLSTATE_PREFIX + sqlState; // SQLSTATEs are upper case already
        }
        String poolSetting = suffix(variable, POOL_PREFIX);
        if (!poolSetting.isEmpty()) {
            return ConfigCatalog.POSTGRES_POOL_PREFIX + lowerCamelCase(poolSetting);
        }
        return variable;
    }

    private static String suffix(String variable, String prefix) {
        return variable.startsWith(prefix) ? variable.substring(prefix.length()) : "";
    }

    private static String lowerCamelCase(String snake) {
        StringBuilder camel = new StringBuilder();
        for (String word : snake.toLowerCase(Locale.ROOT).split("_")) {
            if (!word.isEmpty()) {
                camel.append(camel.length() == 0 ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
            }
        }
        return camel.toString();
    }

    private static String envPrefix(String keyPrefix) {
        return PREFIX + keyPrefix.toUpperCase(Locale.ROOT).replace('.', '_');
    }
}
