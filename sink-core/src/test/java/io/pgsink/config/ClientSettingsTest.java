package io.pgsink.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/**
 * The names config checks pass-through settings against are the clients' own: config may not depend on the
 * clients (LayeringTest), so it keeps copies, and this test (free to use the clients) keeps the copies true.
 */
class ClientSettingsTest {

    @Test
    void kafkaConsumerNamesAreTheConsumersOwn() {
        assertThat(ClientSettings.KAFKA_CONSUMER).containsExactlyInAnyOrderElementsOf(ConsumerConfig.configNames());
    }

    @Test
    void hikariNamesAreHikariConfigsPropertiesThatTakeTextOrNumbers() {
        Set<String> properties = Arrays.stream(HikariConfig.class.getMethods())
                .filter(m -> m.getName().startsWith("set") && m.getName().length() > 3 && m.getParameterCount() == 1)
                .filter(m -> m.getParameterTypes()[0].isPrimitive() || m.getParameterTypes()[0] == String.class)
                .map(ClientSettingsTest::property)
                .collect(Collectors.toSet());

        assertThat(ClientSettings.HIKARI).containsExactlyInAnyOrderElementsOf(properties);
    }

    private static String property(Method setter) {
        String name = setter.getName().substring(3);
        return name.substring(0, 1).toLowerCase(Locale.ROOT) + name.substring(1);
    }
}
