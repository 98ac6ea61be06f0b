package io.pgsink.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.pgsink.SinkEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTracerTest {

    private static final String BATCH = "00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01";
    private static final String PRODUCER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aCommittedBatchBecomesASpanWithTheBatchIdsLinkedToItsRecords() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        SpanData span;
        try (BatchTracer tracer = BatchTracer.exportingTo(exporter)) {
            tracer.onEvent(committed(BATCH, List.of(PRODUCER, "not a traceparent")));
            span = exporter.getFinishedSpanItems().get(0); // the exporter forgets its spans when shut down
        }

        assertThat(span.getName()).isEqualTo("pgsink write public.orders");
        assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(span.getTraceId()).isEqualTo("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        assertThat(span.getSpanId()).isEqualTo("bbbbbbbbbbbbbbbb");
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(span.getLinks())
                .extracting(LinkData::getSpanContext)
                .extracting(c -> c.getTraceId() + "/" + c.getSpanId())
                .containsExactly("4bf92f3577b34da6a3ce929d0e0e4736/00f067aa0ba902b7");
        assertThat(span.getAttributes().get(AttributeKey.longKey("pgsink.rows")))
                .isEqualTo(9L);
        assertThat(span.getAttributes().get(AttributeKey.longKey("pgsink.txid")))
                .isEqualTo(771L);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("db.collection.name")))
                .isEqualTo("public.orders");
        assertThat(span.getEndEpochNanos() - span.getStartEpochNanos())
                .isEqualTo(Duration.ofMillis(40).toNanos());
    }

    @Test
    void onlyTheBatchSpanTakesPresetIdsOtherSpansStayRandom() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        List<SpanData> spans;
        try (BatchTracer tracer = BatchTracer.exportingTo(exporter)) {
            tracer.onEvent(committed(null, List.of()));
            tracer.onEvent(committed(null, List.of()));
            spans = exporter.getFinishedSpanItems();
        }

        assertThat(spans).hasSize(2);
        assertThat(spans.get(0).getTraceId()).isNotEqualTo(spans.get(1).getTraceId());
        assertThat(spans.get(0).getSpanContext().isValid()).isTrue();
    }

    @Test
    void ignoresEventsOtherThanCommits() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (BatchTracer tracer = BatchTracer.exportingTo(exporter)) {
            tracer.onEvent(new SinkEvent.Rebalanced(List.of("orders-0"), List.of(), List.of()));
            assertThat(exporter.getFinishedSpanItems()).isEmpty();
        }
    }

    private static SinkEvent.BatchCommitted committed(String trace, List<String> links) {
        return new SinkEvent.BatchCommitted(
                "default",
                "public.orders",
                7,
                List.of(new SinkEvent.OffsetRange("orders", 0, 10, 18)),
                9,
                0,
                0,
                900,
                Duration.ofMillis(40),
                771,
                Instant.now(),
                trace,
                links);
    }
}
