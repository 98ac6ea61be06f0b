package io.pgsink.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    @Test
    void defaultsMeasureEverythingTheIssueAsksFor() {
        BenchOptions options = BenchCommand.parse(List.of());

        assertThat(options).isEqualTo(new BenchOptions(1_000_000, 8, 20_000, false, true, true, false));
        assertThat(options.rowByRowSample()).isEqualTo(20_000);
    }

    @Test
    void parsesEveryOption() {
        assertThat(BenchCommand.parse(List.of(
                        "--records",
                        "300_000",
                        "--partitions",
                        "4",
                        "--rate",
                        "5000",
                        "--only",
                        "throughput",
                        "--json")))
                .isEqualTo(new BenchOptions(300_000, 4, 5_000, true, true, false, false));
        assertThat(BenchCommand.parse(List.of("--only", "latency")))
                .extracting(BenchOptions::throughput, BenchOptions::latency)
                .containsExactly(false, true);
        assertThat(BenchCommand.parse(List.of("--only", "library")))
                .extracting(BenchOptions::throughput, BenchOptions::latency, BenchOptions::library, BenchOptions::kafka)
                .containsExactly(false, false, true, false);
    }

    @Test
    void observabilityAndRowsChooseWhatThePipelineWorkersRunWithAndWhichRowsRun() {
        assertThat(BenchCommand.parse(List.of()).observability()).isEqualTo(Observability.METRICS);
        BenchOptions options =
                BenchCommand.parse(List.of("--observability", "full", "--rows", "copy_adaptive_c1,debezium_c1"));

        assertThat(options.observability()).isEqualTo(Observability.FULL);
        assertThat(options.runs("copy_adaptive_c1")).isTrue();
        assertThat(options.runs("debezium_c1")).isTrue();
        assertThat(options.runs("copy_adaptive_c2")).isFalse();
        assertThat(options.runs("row_by_row")).isFalse();
        assertThat(BenchCommand.parse(List.of()).runs("row_by_row")).isTrue();
        assertThat(BenchCommand.parse(List.of("--observability", "off")).observability())
                .isEqualTo(Observability.OFF);
        assertThat(BenchRun.rowNames()).contains("copy_adaptive_c1", "jdbc_batch", "debezium_c1");
    }

    @Test
    void rejectsBadOptionsWithAUsageSentence() {
        assertThatThrownBy(() -> BenchCommand.parse(List.of("--observability", "tracing")))
                .hasMessage("--observability takes off, metrics or full");
        assertThatThrownBy(() -> BenchCommand.parse(List.of("--rows", "copy_adaptive_c9")))
                .hasMessageStartingWith("--rows: no row copy_adaptive_c9; rows: jdbc_batch,");
        assertThatThrownBy(() -> BenchCommand.parse(List.of("--only", "speed")))
                .hasMessage("--only takes throughput, latency or library");
        assertThatThrownBy(() -> BenchCommand.parse(List.of("--only")))
                .hasMessage("--only takes throughput, latency or library");
        assertThatThrownBy(() -> BenchCommand.parse(List.of("--records", "ten")))
                .hasMessage("--records needs a whole number, not ten");
        assertThatThrownBy(() -> BenchCommand.parse(List.of("--records", "10")))
                .hasMessage("--records must be between 1000 and 50000000");
        assertThatThrownBy(() -> BenchCommand.parse(List.of("--fast"))).hasMessage("unknown bench option --fast");
    }
}
