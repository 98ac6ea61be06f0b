package io.pgsink.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A record as it sits in a dead-letter topic: its coordinates there, and its key, value and headers as stored
 * (the record's own headers, then the {@code pgsink.error.*} ones, see {@link DeadLetterHeaders}).
 *
 * @param value null when the record had none, or the value was left out ({@link DeadLetterHeaders#VALUE_OMITTED})
 */
public record StoredLetter(
        String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {

    /** One header, in the order stored; the value may be null. */
    public record Header(String key, byte[] value) {}

    public StoredLetter {
        headers = List.copyOf(headers);
    }

    /** The last value of the header {@code name} as UTF-8 text, or null when there is none. */
    public String header(String name) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            Header h = headers.get(i);
            if (h.key().equals(name)) {
                return h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
