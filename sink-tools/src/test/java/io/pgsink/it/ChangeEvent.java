package io.pgsink.it;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One Kafka record a source connector wrote: its coordinates and its key and value exactly as the converter wrote
 * them (JSON text, null for a null key or a tombstone). Kept as text, not as parsed JSON, so that a recording and a
 * replay carry the connector's own bytes: re-serialising would rewrite numbers such as {@code 1.0E-5}. One line of
 * a recording is {@code {"topic":..,"partition":..,"offset":..,"key":<json|null>,"value":<json|null>}}.
 */
record ChangeEvent(String topic, int partition, long offset, String key, String value) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ChangeEvent of(ConsumerRecord<byte[], byte[]> record) {
        return new ChangeEvent(
                record.topic(), record.partition(), record.offset(), text(record.key()), text(record.value()));
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    JsonNode keyJson() {
        return parse(key);
    }

    JsonNode valueJson() {
        return parse(value);
    }

    private static JsonNode parse(String json) {
        try {
            return json == null ? NullNode.getInstance() : JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a connector record that is not JSON", e);
        }
    }

    /** The change itself: the value without a schema envelope, the envelope's {@code payload} with one. */
    JsonNode payload() {
        return unwrap(valueJson());
    }

    private static JsonNode unwrap(JsonNode node) {
        return node.has("schema") && node.has("payload") ? node.get("payload") : node;
    }

    /** {@code op:id}, or {@code tombstone:id} for a null value: what the event does to which row. */
    String opAndKey() {
        String id = unwrap(keyJson()).path("id").asText();
        return value == null ? "tombstone:" + id : payload().path("op").asText() + ":" + id;
    }

    byte[] keyBytes() {
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    byte[] valueBytes() {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    String toJsonLine() {
        // The converter writes compact JSON on one line, so its text embeds as is.
        try {
            return "{\"topic\":" + JSON.writeValueAsString(topic) + ",\"partition\":" + partition + ",\"offset\":"
                    + offset + ",\"key\":" + key + ",\"value\":" + value + "}";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a line of a recording back, key and value as the exact text they were recorded with. */
    static ChangeEvent fromJsonLine(String line) {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser p = JSON.getFactory().createParser(line)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, line);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                int start = (int) p.currentTokenLocation().getCharOffset();
                // A string token is read lazily: finish it, so that the location below is past its end.
                p.finishToken();
                p.skipChildren();
                int end = (int) p.currentLocation().getCharOffset();
                fields.put(name, t == JsonToken.VALUE_NULL ? null : line.substring(start, end));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("not a recorded change event: " + line, e);
        }
        return new ChangeEvent(
                parse(fields.get("topic")).asText(),
                Integer.parseInt(fields.get("partition")),
                Long.parseLong(fields.get("offset")),
                fields.get("key"),
                fields.get("value"));
    }

    private static void expect(boolean condition, String line) {
        if (!condition) {
            throw new IllegalArgumentException("not a recorded change event: " + line);
        }
    }

    /** A recording checked in under {@code src/test/resources/debezium/}, e.g. {@code events-with-schema.jsonl}. */
    static List<ChangeEvent> recorded(String file) {
        try (InputStream in = ChangeEvent.class.getResourceAsStream("/debezium/" + file)) {
            if (in == null) {
                throw new IllegalStateException("no recording /debezium/" + file + " on the test classpath");
            }
            List<ChangeEvent> events = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                if (!line.isBlank()) {
                    events.add(fromJsonLine(line));
                }
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
