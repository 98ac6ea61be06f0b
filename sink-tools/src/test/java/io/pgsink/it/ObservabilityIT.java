package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.pgsink.SinkWorker;
import io.pgsink.app.BatchTracer;
import io.pgsink.deadletter.DeadLetterHeaders;
import io.pgsink.testing.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/**
 * Traces and structured logs of a real run: batch spans linked to the producers' W3C trace contexts, the batch's
 * trace id in its dead letters, and every line of a worker's JSON log parsable, with the batch fields on the lines
 * about a batch.
 */
class ObservabilityIT {

    private static final String PRODUCER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PRODUCER_SPAN = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + PRODUCER_TRACE + "-" + PRODUCER_SPAN + "-01";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void batchSpansLinkToTheProducersContextAndDeadLettersCarryTheBatchTraceId() throws Exception {
        SinkFixture f = new SinkFixture("tracing", 2);
        produceTraced(f, 500, Set.of(250L));
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        List<SpanData> spans;
        try (BatchTracer tracer = BatchTracer.exportingTo(exporter);
                SinkWorker worker = SinkWorker.start(f.sinkConfig(), List.of(tracer))) {
            await().ignoreExceptions().atMost(Duration.ofMinutes(1)).until(() -> f.committedTotal() == 500);
            spans = List.copyOf(exporter.getFinishedSpanItems());
            assertThat(worker.health().isHealthy()).isTrue();
        }

        assertThat(spans).isNotEmpty();
        assertThat(spans)
                .as("every batch span is linked to the producer's span")
                .allMatch(span -> span.getLinks().stream()
                        .map(LinkData::getSpanContext)
                        .anyMatch(c -> c.getTraceId().equals(PRODUCER_TRACE)
                                && c.getSpanId().equals(PRODUCER_SPAN)));
        assertThat(spans.stream()
                        .mapToLong(s -> s.getAttributes().get(AttributeKey.longKey("pgsink.rows")))
                        .sum())
                .isEqualTo(499);
        assertThat(spans).allMatch(s -> s.getName().equals("pgsink write public." + f.table));

        List<ConsumerRecord<byte[], byte[]>> deadLetters = DeadLetters.readAll(f);
        assertThat(deadLetters).hasSize(1);
        String traceId = DeadLetters.header(
                deadLetters.get(0), DeadLetterHeaders.TRACE_ID.substring(DeadLetterHeaders.PREFIX.length()));
        assertThat(traceId).matches("[0-9a-f]{32}");
        assertThat(spans)
                .as("the dead letter names the trace of the batch that rejected it")
                .anyMatch(s -> s.getTraceId().equals(traceId)
                        && s.getAttributes().get(AttributeKey.longKey("pgsink.dead_lettered")) == 1L);
    }

    @Test
    void everyLineOfAJsonLogParsesAndBatchLinesCarryTheBatchFields() throws Exception {
        SinkFixture f = new SinkFixture("jsonlog", 2);
        produceTraced(f, 300, Set.of(10L, 200L));
        Map<String, String> config = f.config("log.format", "json");
        List<JsonNode> lines = new ArrayList<>();
        try (ChildJvm worker = ChildJvm.start(
                List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"),
                List.of("run", "--config", ChildJvm.propertiesFile(config).toString()),
                Map.of("PGSINK_LOG_FORMAT", "json"))) {
            await().ignoreExceptions().atMost(Duration.ofMinutes(1)).until(() -> f.committedTotal() == 300);
            worker.terminate();
            assertThat(worker.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            for (String line : worker.output().lines().toList()) {
                lines.add(JSON.readTree(line)); // throws, failing the test, on any line that is not JSON
            }
        }

        assertThat(lines).isNotEmpty();
        assertThat(lines).allMatch(l -> l.hasNonNull("level") && l.hasNonNull("formattedMessage"));
        List<JsonNode> deadLettered = lines.stream()
                .filter(l -> l.path("formattedMessage").asText().startsWith("dead-lettered "))
                .collect(Collectors.toList());
        assertThat(deadLettered).hasSize(2);
        for (JsonNode line : deadLettered) {
            JsonNode mdc = line.path("mdc");
            assertThat(line.path("level").asText()).isEqualTo("WARN");
            assertThat(mdc.path("route").asText()).isEqualTo("default");
            assertThat(mdc.path("table").asText()).isEqualTo("public." + f.table);
            assertThat(mdc.path("batch_id").asText()).matches("\\d+");
            assertThat(mdc.path("trace_id").asText()).matches("[0-9a-f]{32}");
            assertThat(mdc.path("offsets").asText()).contains(f.topic + "-");
        }
        assertThat(lines)
                .as("lines about no batch carry no batch fields")
                .anyMatch(l -> l.path("formattedMessage").asText().startsWith("starting with")
                        && !l.path("mdc").has("batch_id"));
    }

    /** Events 0..n-1 with the producer's traceparent header; the ids in {@code bad} are not JSON. */
    private static void produceTraced(SinkFixture f, long n, Set<Long> bad) {
        try (KafkaProducer<byte[], byte[]> producer = f.producer()) {
            for (long id = 0; id < n; id++) {
                String value = bad.contains(id) ? "not json" : SinkFixture.event(id, 1);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                        f.topic, ("k" + id).getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
                record.headers().add(new RecordHeader("traceparent", TRACEPARENT.getBytes(StandardCharsets.US_ASCII)));
                producer.send(record);
            }
            producer.flush();
        }
    }
}
