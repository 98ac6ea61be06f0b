package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricNamesInUseTest {

    /** The names /metrics is to export (the metrics contract of the issue), as scraped series names. */
    private static final Set<String> CONTRACT = Set.of(
            "pgsink_records_written_total",
            "pgsink_records_dead_lettered_total",
            "pgsink_records_skipped_total",
            "pgsink_batches_committed_total",
            "pgsink_batch_write_seconds_bucket",
            "pgsink_batch_write_seconds_count",
            "pgsink_batch_write_seconds_sum",
            "pgsink_batch_records_bucket",
            "pgsink_batch_records_count",
            "pgsink_batch_records_sum",
            "pgsink_batch_bytes_bucket",
            "pgsink_batch_bytes_count",
            "pgsink_batch_bytes_sum",
            "pgsink_end_to_end_latency_seconds_bucket",
            "pgsink_end_to_end_latency_seconds_count",
            "pgsink_end_to_end_latency_seconds_sum",
            "pgsink_write_retries_total",
            "pgsink_offset_commit_failures_total",
            "pgsink_consumer_lag_records",
            "pgsink_buffered_bytes",
            "pgsink_paused_partitions",
            "pgsink_lane_state",
            "pgsink_worker_state",
            "pgsink_batch_size_target",
            "pgsink_last_commit_timestamp_seconds",
            "hikaricp_connections_active",
            "hikaricp_connections_idle",
            "hikaricp_connections_pending",
            "hikaricp_connections_max",
            "hikaricp_connections_timeout_total",
            "jvm_memory_used_bytes",
            "jvm_memory_max_bytes",
            "jvm_gc_live_data_size_bytes",
            "jvm_gc_max_data_size_bytes",
            "jvm_gc_pause_seconds_count",
            "jvm_gc_pause_seconds_sum",
            "process_cpu_usage");

    @Test
    void findsMetricNamesButNotFunctionsLabelsKeywordsOrVariables() {
        String expr = "histogram_quantile(0.99, sum by (le, route) (rate(pgsink_x_bucket{job=~\"$job\", le!=\"+Inf\"}"
                + "[$__rate_interval]))) > on (job) group_left (table) foo_info offset 5m and bar unless 1e3 * time()"
                + " or sum(baz) without (instance) > bool 0.5";

        assertThat(MetricNamesInUse.inPromQl(expr))
                .containsExactlyInAnyOrder("pgsink_x_bucket", "foo_info", "bar", "baz");
    }

    @Test
    void takesTheMetricOfAGrafanaLabelValuesQueryAndNotItsLabel() {
        assertThat(MetricNamesInUse.inPromQl("label_values(pgsink_worker_state{job=~\"$job\"}, instance)"))
                .containsExactly("pgsink_worker_state");
    }

    @Test
    void rulesAndDashboardUseOnlyNamesOfTheMetricsContract() {
        Set<String> inUse = MetricNamesInUse.inRulesAndDashboard();

        assertThat(inUse).hasSizeGreaterThan(20).isSubsetOf(CONTRACT);
        assertThat(inUse).containsAll(MetricNamesInUse.inRules()).containsAll(MetricNamesInUse.inDashboard());
    }
}
