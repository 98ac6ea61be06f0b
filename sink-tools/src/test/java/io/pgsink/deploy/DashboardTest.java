package io.pgsink.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsink.it.MetricNamesInUse;
import io.pgsink.testing.ExternalTool;
import io.pgsink.testing.SourceTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Grafana dashboard in deploy/grafana: valid queries, on the same signals as the alert rules. */
class DashboardTest {

    private static final Path DASHBOARD = SourceTree.path("deploy/grafana/pgsink-dashboard.json");

    @Test
    void everyQueryIsValidPromQl(@TempDir Path dir) throws Exception {
        List<String> exprs = MetricNamesInUse.dashboardExpressions(dashboard());
        // promtool parses expressions only as rules: each query becomes a recording rule, Grafana's variables
        // replaced by what Grafana would put there.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < exprs.size(); i++) {
            String expr = exprs.get(i)
                    .replace("$__rate_interval", "1m")
                    .replace("$job", ".*")
                    .replace("$instance", ".*")
                    .replace("$route", ".*");
            String single = expr.startsWith("label_values(")
                    ? expr.replaceAll("^label_values\\((.*?)(,[^,]*)?\\)$", "$1")
                    : expr;
            rules.append("      - record: dashboard_query_").append(i).append('\n');
            rules.append("        expr: '").append(single.replace("'", "''")).append("'\n");
        }
        Files.writeString(dir.resolve("dashboard.yml"), rules, StandardCharsets.UTF_8);

        ExternalTool.Result result =
                AlertRulesTest.promtool().run(dir, Duration.ofMinutes(1), "check", "rules", "dashboard.yml");

        assertThat(result.exitStatus()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + exprs.size() + " rules found");
    }

    @Test
    void everyPanelQueriesTheSelectedPrometheusAndHasItsOwnPlace() throws IOException {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard().path("panels")) {
            String title = panel.path("title").asText();
            assertThat(ids.add(panel.path("id").asInt()))
                    .as("unique id of " + title)
                    .isTrue();
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("x").asInt() + grid.path("w").asInt())
                    .as(title)
                    .isBetween(1, 24);
            if (!"row".equals(panel.path("type").asText())) {
                assertThat(panel.path("description").asText()).as(title).isNotBlank();
                assertThat(panel.path("targets")).as(title).isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("datasource").path("uid").asText())
                            .as(title)
                            .isEqualTo("${datasource}");
                }
            }
        }
    }

    @Test
    void showsEverySignalTheAlertsWatchAndTheRestOfTheIssueList() {
        Set<String> onDashboard = MetricNamesInUse.inDashboard();

        assertThat(onDashboard).containsAll(MetricNamesInUse.inRules());
        assertThat(onDashboard)
                .contains(
                        "pgsink_records_written_total",
                        "pgsink_consumer_lag_records",
                        "pgsink_batch_write_seconds_bucket",
                        "pgsink_end_to_end_latency_seconds_bucket",
                        "pgsink_batch_records_bucket",
                        "pgsink_records_dead_lettered_total",
                        "pgsink_write_retries_total",
                        "pgsink_worker_state",
                        "pgsink_lane_state",
                        "hikaricp_connections_pending",
                        "jvm_gc_live_data_size_bytes");
    }

    private static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }
}
