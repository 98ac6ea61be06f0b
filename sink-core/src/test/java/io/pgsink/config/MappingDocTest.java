package io.pgsink.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code properties} example in {@code docs/mapping.md} parses as a configuration, so the page cannot name a
 * key, a value or a combination the worker refuses. Surefire runs in the module directory: the docs are one level
 * up.
 */
class MappingDocTest {

    private static final Path MAPPING_DOC = Path.of("..", "docs", "mapping.md");
    private static final Pattern BLOCK = Pattern.compile("(?s)```properties\\n(.*?)```");

    static List<String> examples() throws IOException {
        Matcher matcher = BLOCK.matcher(Files.readString(MAPPING_DOC, StandardCharsets.UTF_8));
        List<String> blocks = new ArrayList<>();
        while (matcher.find()) {
            blocks.add(matcher.group(1));
        }
        return blocks;
    }

    @ParameterizedTest
    @MethodSource("examples")
    void eachPropertiesExampleParsesWithEveryKeyItNamesTakingEffect(String block) throws IOException {
        Properties example = new Properties();
        example.load(new StringReader(block));
        Map<String, String> properties = new HashMap<>();
        properties.put("kafka.bootstrap.servers", "kafka-1:9092");
        properties.put("kafka.group.id", "sink");
        properties.put("postgres.url", "jdbc:postgresql://db:5432/app");
        example.stringPropertyNames().forEach(key -> properties.put(key, example.getProperty(key)));

        SinkConfig config = SinkConfig.parse(properties);

        List<String> routeNames = example.stringPropertyNames().stream()
                .filter(key -> key.startsWith(RouteCatalog.PREFIX))
                .map(key -> key.substring(RouteCatalog.PREFIX.length(), key.indexOf('.', RouteCatalog.PREFIX.length())))
                .distinct()
                .toList();
        List<String> parsed = config.routes().stream().map(Route::name).toList();
        if (routeNames.isEmpty()) {
            assertThat(parsed).containsExactly(Route.DEFAULT_NAME);
        } else {
            assertThat(parsed).containsExactlyInAnyOrderElementsOf(routeNames);
        }
        for (Route route : config.routes()) {
            String prefix = RouteCatalog.PREFIX + route.name() + ".";
            assertSetting(example, prefix + "mode", route.mode());
            assertSetting(example, prefix + "format", route.format());
            assertSetting(example, prefix + "key.source", route.keySource());
        }
    }

    private static void assertSetting(Properties example, String key, Enum<?> parsed) {
        String configured = example.getProperty(key);
        if (configured != null) {
            assertThat(parsed.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .as(key)
                    .isEqualTo(configured);
        }
    }

    @Test
    void thePageHasAnExampleForEachFormatKeySourceModeAndMappingFeature() throws IOException {
        String all = String.join("\n", examples());

        assertThat(examples()).hasSizeGreaterThanOrEqualTo(15);
        for (String setting : List.of(
                "format=json",
                "format=connect-json",
                "format=debezium",
                "key.source=value",
                "key.source=record-key",
                "key.source=coordinates",
                "mode=insert\n",
                "mode=upsert",
                "mode=update",
                "mode=insert-if-absent",
                "update.missing=",
                "deletes=true",
                "mapping.include=",
                "mapping.exclude=",
                "mapping.rename=",
                "mapping.paths=",
                "mapping.value.column=",
                "mapping.metadata=",
                "mapping.headers=",
                "mapping.naming=snake-case",
                "topics.regex=")) {
            assertThat(all).as(setting).contains(setting);
        }
    }
}
