package io.pgsink.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pgsink.testing.ExternalTool;
import io.pgsink.testing.SourceTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The alerting rules in deploy/prometheus: valid for Prometheus, unit-tested with promtool, and each one linked to its
 * runbook section in docs/operations.md.
 */
class AlertRulesTest {

    static final Path PROMETHEUS_DIR = SourceTree.path("deploy/prometheus");
    private static final Path RULES = PROMETHEUS_DIR.resolve("pgsink-rules.yml");
    private static final Path RULE_TESTS = PROMETHEUS_DIR.resolve("pgsink-rules.test.yml");
    private static final Path OPERATIONS = SourceTree.path("docs/operations.md");
    private static final Duration PROMTOOL_TIMEOUT = Duration.ofMinutes(2);

    static ExternalTool promtool() {
        return ExternalTool.require("prometheus", "promtool");
    }

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        ExternalTool.Result result =
                promtool().run(PROMETHEUS_DIR, PROMTOOL_TIMEOUT, "check", "rules", "pgsink-rules.yml");

        assertThat(result.exitStatus()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + alerts().size() + " rules found");
    }

    @Test
    void everyAlertFiresAndStaysQuietAsItsUnitTestsExpect() throws Exception {
        ExternalTool.Result result =
                promtool().run(PROMETHEUS_DIR, PROMTOOL_TIMEOUT, "test", "rules", "pgsink-rules.test.yml");

        assertThat(result.exitStatus()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAUnitTestWhereItFires() throws IOException {
        Set<String> firing = new TreeSet<>();
        for (JsonNode test : yaml(RULE_TESTS).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                if (!check.path("exp_alerts").isEmpty()) {
                    firing.add(check.path("alertname").asText());
                }
            }
        }

        assertThat(firing).isEqualTo(new TreeSet<>(alertNames()));
    }

    @Test
    void everyAlertExplainsItselfAndLinksToItsRunbookSection() throws IOException {
        Set<String> anchors = runbookAnchors(Files.readString(OPERATIONS));
        for (JsonNode alert : alerts()) {
            String name = alert.path("alert").asText();
            JsonNode annotations = alert.path("annotations");
            assertThat(annotations.path("summary").asText())
                    .as(name + " summary")
                    .isNotBlank();
            assertThat(annotations.path("description").asText())
                    .as(name + " description")
                    .isNotBlank();
            assertThat(alert.path("labels").path("severity").asText()).as(name).isIn("warning", "critical");
            String url = annotations.path("runbook_url").asText();
            assertThat(url).as(name + " runbook_url").contains("docs/operations.md#");
            String anchor = url.substring(url.indexOf('#') + 1);
            assertThat(anchor).as(name + " runbook anchor").isEqualTo(name.toLowerCase(Locale.ROOT));
            assertThat(anchors)
                    .as("sections under ## Runbook in docs/operations.md")
                    .contains(anchor);
        }
    }

    @Test
    void runbookSectionsAreFoundUnderTheRunbookHeadingOnly() {
        String markdown = "## Scaling\n### PgsinkNotHere\n## Runbook\n### PgsinkStuck\ntext\n### `Odd` Name!\n## Next\n"
                + "### PgsinkAfter\n";

        assertThat(runbookAnchors(markdown)).containsExactly("odd-name", "pgsinkstuck");
    }

    /** GitHub's anchors of the ### headings inside the "## Runbook" section. */
    static Set<String> runbookAnchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        boolean inRunbook = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("## ")) {
                inRunbook = line.strip().equals("## Runbook");
            } else if (inRunbook && line.startsWith("### ")) {
                anchors.add(anchor(line.substring(4)));
            }
        }
        return anchors;
    }

    private static String anchor(String heading) {
        return heading.strip()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-');
    }

    static List<JsonNode> alerts() throws IOException {
        List<JsonNode> alerts = new ArrayList<>();
        for (JsonNode group : yaml(RULES).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    alerts.add(rule);
                }
            }
        }
        return alerts;
    }

    private static List<String> alertNames() throws IOException {
        return alerts().stream().map(a -> a.path("alert").asText()).toList();
    }

    static JsonNode yaml(Path file) throws IOException {
        return new YAMLMapper().readTree(file.toFile());
    }
}
