package io.pgsink.app;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.pgsink.SinkEvent;
import io.pgsink.SinkListener;
import io.pgsink.model.TraceParent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns each committed batch into an OpenTelemetry span: {@code pgsink write <table>}, kind CONSUMER, from the
 * batch's start to its commit, linked to the contexts of the records' W3C {@code traceparent} headers (as many as
 * the event lists, which the worker bounds), with the table, route, rows, bytes, dead letters and txid as
 * attributes.
 *
 * <p>The span takes the trace and span ids the worker gave the batch (an id generator that hands them over while
 * the span is started on the same thread), so the trace id in the batch's log lines and dead-letter headers finds
 * the span. A failed batch has no span: it is retried, or its lane stops, and the logs say so.
 */
public final class BatchTracer implements SinkListener, AutoCloseable {

    private static final String SCOPE = "io.pgsink";
    /** At most this long for the start-up export (an empty request) before the worker goes on without waiting. */
    private static final long WARM_UP_SECONDS = 2;

    private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
    private static final AttributeKey<String> TABLE = AttributeKey.stringKey("db.collection.name");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("pgsink.route");
    private static final AttributeKey<Long> ROWS = AttributeKey.longKey("pgsink.rows");
    private static final AttributeKey<Long> DEAD_LETTERED = AttributeKey.longKey("pgsink.dead_lettered");
    private static final AttributeKey<Long> BYTES = AttributeKey.longKey("pgsink.bytes");
    private static final AttributeKey<Long> TXID = AttributeKey.longKey("pgsink.txid");
    private static final AttributeKey<Long> BATCH_ID = AttributeKey.longKey("pgsink.batch.id");
    private static final AttributeKey<Long> MESSAGE_COUNT = AttributeKey.longKey("messaging.batch.message_count");
    private static final AttributeKey<List<String>> PARTITIONS = AttributeKey.stringArrayKey("pgsink.partitions");

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final PresetIds ids;

    private BatchTracer(SdkTracerProvider provider, PresetIds ids) {
        this.provider = provider;
        this.ids = ids;
        this.tracer = provider.get(SCOPE, Version.current());
    }

    /**
     * Exports over OTLP/HTTP to {@code endpoint} in the background (batched, never blocking a writer). The exporter
     * sends one empty request first, here, so that its HTTP client (some 400 classes) loads while the worker starts,
     * not during its first batches; a collector that is down is logged by the exporter then, as it would be later.
     */
    public static BatchTracer otlp(String endpoint) {
        OtlpHttpSpanExporter exporter =
                OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build();
        exporter.export(List.of()).join(WARM_UP_SECONDS, TimeUnit.SECONDS);
        return create(BatchSpanProcessor.builder(exporter).build());
    }

    /** Hands each span to {@code exporter} as it ends: for tests, with the SDK's in-memory exporter. */
    public static BatchTracer exportingTo(SpanExporter exporter) {
        return create(SimpleSpanProcessor.create(exporter));
    }

    private static BatchTracer create(SpanProcessor processor) {
        PresetIds ids = new PresetIds();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setIdGenerator(ids)
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "pgsink"))))
                .addSpanProcessor(processor)
                .build();
        return new BatchTracer(provider, ids);
    }

    @Override
    public void onEvent(SinkEvent event) {
        if (event instanceof SinkEvent.BatchCommitted committed) {
            record(committed);
        }
    }

    private void record(SinkEvent.BatchCommitted batch) {
        Instant end = Instant.now();
        SpanBuilder builder = tracer.spanBuilder("pgsink write " + batch.table())
                .setSpanKind(SpanKind.CONSUMER)
                .setNoParent()
                .setStartTimestamp(end.minus(batch.duration()))
                .setAttribute(DB_SYSTEM, "postgresql")
                .setAttribute(TABLE, batch.table())
                .setAttribute(ROUTE, batch.route())
                .setAttribute(ROWS, (long) batch.rows())
                .setAttribute(DEAD_LETTERED, (long) batch.deadLettered())
                .setAttribute(BYTES, batch.bytes())
                .setAttribute(BATCH_ID, batch.batchId())
                .setAttribute(MESSAGE_COUNT, (long) batch.rows() + batch.deadLettered() + batch.skipped())
                .setAttribute(
                        PARTITIONS,
                        batch.ranges().stream()
                                .map(r ->
                                        r.topic() + "-" + r.partition() + "@" + r.firstOffset() + ".." + r.lastOffset())
                                .toList());
        if (batch.txid() >= 0) {
            builder.setAttribute(TXID, batch.txid());
        }
        for (String header : batch.traceparents()) {
            TraceParent.parse(header.getBytes(StandardCharsets.US_ASCII))
                    .ifPresent(link -> builder.addLink(SpanContext.createFromRemoteParent(
                            link.traceId(),
                            link.spanId(),
                            TraceFlags.fromByte((byte) link.flags()),
                            TraceState.getDefault())));
        }
        Span span = ids.startWith(
                batch.trace() == null
                        ? null
                        : TraceParent.parse(batch.trace().getBytes(StandardCharsets.US_ASCII))
                                .orElse(null),
                builder);
        span.end(end);
    }

    /** Flushes what is not exported yet (up to a few seconds) and stops exporting. */
    @Override
    public void close() {
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }

    /**
     * Gives the next span started on this thread the batch's ids; random ids otherwise. The SDK asks its id
     * generator while {@code startSpan()} runs, on the calling thread.
     */
    private static final class PresetIds implements IdGenerator {

        private final ThreadLocal<TraceParent> next = new ThreadLocal<>();

        Span startWith(TraceParent ids, SpanBuilder builder) {
            next.set(ids);
            try {
                return builder.startSpan();
            } finally {
                next.remove();
            }
        }

        @Override
        public String generateSpanId() {
            TraceParent ids = next.get();
            return ids == null ? IdGenerator.random().generateSpanId() : ids.spanId();
        }

        @Override
        public String generateTraceId() {
            TraceParent ids = next.get();
            return ids == null ? IdGenerator.random().generateTraceId() : ids.traceId();
        }
    }
}
