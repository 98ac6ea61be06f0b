package io.pgsink.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/configuration.md} in step with {@link ConfigCatalog}. Surefire runs in the module directory,
 * so the repository's docs are one level up.
 */
class ConfigurationDocTest {

    private static final Path CHECKED_IN = Path.of("..", "docs", "configuration.md");

    @Test
    void checkedInReferenceMatchesTheCatalog() throws IOException {
        String generated = ConfigCatalog.markdown();
        if (Boolean.getBoolean("pgsink.regenerateDocs")) {
            Files.createDirectories(CHECKED_IN.getParent());
            Files.writeString(CHECKED_IN, generated, StandardCharsets.UTF_8);
        }
        String checkedIn = Files.exists(CHECKED_IN) ? Files.readString(CHECKED_IN, StandardCharsets.UTF_8) : "";

        assertThat(checkedIn)
                .as(
                        "docs/configuration.md is stale or missing; regenerate it from the catalog with:%n  %s",
                        ReferenceDoc.REGENERATE_COMMAND)
                .isEqualTo(generated);
    }

    @Test
    void referenceDocumentsEveryKeyAndTheEnvironmentVariables() {
        String markdown = ConfigCatalog.markdown();

        assertThat(ConfigCatalog.keys()).allSatisfy(key -> assertThat(markdown).contains("| `" + key.name() + "` |"));
        assertThat(markdown)
                .contains("| `batch.max.bytes` | long (bytes) | `4194304 (4 MiB)` "
                        + "| 1024 (1 KiB) to 1073741824 (1 GiB) |")
                .contains("| `postgres.password` | string, secret | unset |")
                .contains("`PGSINK_POSTGRES_POOL_MAXIMUM_POOL_SIZE` sets `postgres.pool.maximumPoolSize`");
    }
}
