package io.pgsink.app;

import io.pgsink.config.ConfigException;
import io.pgsink.config.SinkConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Reads a worker's settings: a {@code .properties} file, overridden by {@code PGSINK_*} environment variables. */
final class ConfigLoader {

    private ConfigLoader() {}

    static SinkConfig load(Path file, Map<String, String> environment) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException(List.of("--config " + file + ": cannot be read (" + e.getMessage()
                    + "); pass the path of a readable .properties file"));
        }
        Map<String, String> flat = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> flat.put(name, properties.getProperty(name)));
        return SinkConfig.parse(SinkConfig.withEnvironment(flat, environment));
    }
}
