package io.pgsink.tools.examples;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One recorded Kafka record of the Debezium connector: key and value as the exact JSON text the converter wrote
 * ({@code null} value: a tombstone). Read back as text, not re-serialized, so that what is published is byte for
 * byte what the connector produced.
 */
record RecordedEvent(String key, String value) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static List<RecordedEvent> read(String jsonLines) {
        List<RecordedEvent> events = new ArrayList<>();
        for (String line : jsonLines.split("\n")) {
            if (!line.isBlank()) {
                Map<String, String> fields = fields(line);
                events.add(new RecordedEvent(fields.get("key"), fields.get("value")));
            }
        }
        return events;
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser p = JSON.getFactory().createParser(line)) {
            p.nextToken();
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
        return fields;
    }

    /** The operations in order, as {@code op:id}, e.g. {@code r:1 ... d:4 tombstone:4}. */
    static String summary(List<RecordedEvent> events) {
        StringBuilder s = new StringBuilder();
        for (RecordedEvent e : events) {
            JsonNode key = parse(e.key());
            String id = key.path("payload").path("id").asText();
            String op = e.value() == null
                    ? "tombstone"
                    : parse(e.value()).path("payload").path("op").asText();
            s.append(s.length() == 0 ? "" : " ").append(op).append(':').append(id);
        }
        return s.toString();
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
