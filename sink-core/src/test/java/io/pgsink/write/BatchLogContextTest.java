package io.pgsink.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.batch.OffsetRanges;
import io.pgsink.model.TraceParent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class BatchLogContextTest {

    private static final TraceParent TRACE = TraceParent.parse(
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.US_ASCII))
            .orElseThrow();

    @Test
    void setsTheBatchFieldsWhileOpenAndRemovesOnlyThemOnClose() {
        MDC.put("request", "kept");
        try (BatchLogContext ignored = BatchLogContext.open(
                "orders",
                "public.orders",
                42,
                List.of(new OffsetRanges.Range("orders", 0, 10, 19), new OffsetRanges.Range("orders", 3, 7, 7)),
                TRACE)) {
            assertThat(MDC.get("route")).isEqualTo("orders");
            assertThat(MDC.get("table")).isEqualTo("public.orders");
            assertThat(MDC.get("partitions")).isEqualTo("orders-0,orders-3");
            assertThat(MDC.get("offsets")).isEqualTo("orders-0@10..19,orders-3@7..7");
            assertThat(MDC.get("batch_id")).isEqualTo("42");
            assertThat(MDC.get("trace_id")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        }
        assertThat(MDC.getCopyOfContextMap()).containsExactlyEntriesOf(java.util.Map.of("request", "kept"));
        MDC.clear();
    }
}
