package io.pgsink.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.pgsink.app.BatchTracer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OtlpReceiverTest {

    @Test
    void acceptsTheOtlpHttpExportersSpansAndCountsThem() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                    .setEndpoint(receiver.endpoint())
                    .build();
            SdkTracerProvider provider = SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build();

            provider.get("test").spanBuilder("pgsink write t").startSpan().end();
            CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
            provider.shutdown().join(10, TimeUnit.SECONDS);

            assertThat(flushed.isSuccess())
                    .as("the exporter saw its export accepted")
                    .isTrue();
            assertThat(receiver.requests()).isEqualTo(1);
            assertThat(receiver.bytes()).isPositive();
        }
    }

    @Test
    void theWorkersTracerSendsOneEmptyRequestAtStartWhichIsNotAnExportOfSpans() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            BatchTracer tracer = BatchTracer.otlp(receiver.endpoint());
            try {
                assertThat(receiver.emptyRequests())
                        .as("the start-up request that loads the exporter's HTTP client")
                        .isEqualTo(1);
                assertThat(receiver.requests()).isZero();
            } finally {
                tracer.close();
            }
            assertThat(receiver.requests()).as("no span was exported").isZero();
        }
    }
}
