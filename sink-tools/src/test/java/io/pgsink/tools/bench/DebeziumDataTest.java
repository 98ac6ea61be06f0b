package io.pgsink.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DebeziumDataTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant SENT = Instant.parse("2026-11-30T12:00:00Z");

    private record Kafka(byte[] key, byte[] value) {}

    @Test
    void replayingTheEventsInOrderLeavesExactlyTheRowsTheBenchExpects() throws IOException {
        List<Kafka> records = new ArrayList<>();
        DebeziumData.Published published = DebeziumData.generate(20_000, SENT, (k, v) -> records.add(new Kafka(k, v)));

        Map<Long, JsonNode> table = new TreeMap<>();
        for (Kafka r : records) {
            long id = JSON.readTree(r.key()).path("payload").path("id").asLong();
            JsonNode payload =
                    r.value() == null ? null : JSON.readTree(r.value()).path("payload");
            if (payload == null || payload.path("op").asText().equals("d")) {
                table.remove(id);
            } else {
                table.put(id, payload.path("after"));
            }
        }
        Map<Long, BenchData.Event> expected = new TreeMap<>();
        published.forEachExpectedRow(e -> expected.put(e.id(), e));

        assertThat(records).hasSize(20_000);
        assertThat(table.keySet()).containsExactlyElementsOf(expected.keySet());
        assertThat(published.expectedRows()).isEqualTo(table.size());
        table.forEach((id, after) -> assertThat(row(after)).isEqualTo(columns(expected.get(id))));
    }

    @Test
    void mixIsMostlyCreatesAndUpdatesOverFewerKeysThanRecordsWithADeleteAndTombstoneEach() throws IOException {
        List<Kafka> records = new ArrayList<>();
        DebeziumData.Published p = DebeziumData.generate(20_000, SENT, (k, v) -> records.add(new Kafka(k, v)));
        Map<String, Integer> ops = new HashMap<>();
        for (Kafka r : records) {
            String op = r.value() == null
                    ? "tombstone"
                    : JSON.readTree(r.value()).path("payload").path("op").asText();
            ops.merge(op, 1, Integer::sum);
        }

        assertThat(ops).containsOnlyKeys("c", "u", "d", "tombstone");
        assertThat(ops.get("d")).isEqualTo(ops.get("tombstone")).isEqualTo((int) p.deletes());
        assertThat(ops.get("c") + ops.get("u")).isBetween(15_000, 17_000);
        assertThat(ops.get("d")).isBetween(1_500, 2_500);
        assertThat(p.creates() + p.updates() + p.deletes() + p.tombstones()).isEqualTo(20_000);
        assertThat(p.versions()).hasSize(4_000);
        assertThat(p.bytes()).isGreaterThan(20_000L * 2_000);
    }

    @Test
    void updatesAndDeletesCarryTheFullBeforeImageAndTheSchemaEnvelope() throws IOException {
        List<Kafka> records = new ArrayList<>();
        DebeziumData.generate(5_000, SENT, (k, v) -> records.add(new Kafka(k, v)));
        Map<Long, JsonNode> last = new HashMap<>();
        for (Kafka r : records) {
            if (r.value() == null) {
                continue;
            }
            JsonNode value = JSON.readTree(r.value());
            assertThat(value.path("schema").path("name").asText()).isEqualTo("bench.public.payments.Envelope");
            JsonNode payload = value.path("payload");
            long id = JSON.readTree(r.key()).path("payload").path("id").asLong();
            String op = payload.path("op").asText();
            if (op.equals("c")) {
                assertThat(payload.path("before").isNull()).isTrue();
            } else {
                assertThat(payload.path("before")).isEqualTo(last.get(id));
            }
            last.put(id, op.equals("d") ? null : payload.path("after"));
        }
    }

    /** The after image's values in the text the bench's table takes them in (amount from its Decimal bytes). */
    private static Map<String, String> row(JsonNode after) {
        BigDecimal amount = new BigDecimal(
                new BigInteger(Base64.getDecoder().decode(after.path("amount").asText())), 2);
        try {
            return Map.of(
                    "id", after.path("id").asText(),
                    "account", after.path("account").asText(),
                    "amount", amount.toPlainString(),
                    "at", after.path("at").asText(),
                    "payload", JSON.readTree(after.path("payload").asText()).toString(),
                    "sent_at", after.path("sent_at").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> columns(BenchData.Event e) {
        try {
            return Map.of(
                    "id", Long.toString(e.id()),
                    "account", e.account(),
                    "amount", e.amount(),
                    "at", e.at(),
                    "payload", JSON.readTree(e.payload()).toString(),
                    "sent_at", e.sentAt());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
