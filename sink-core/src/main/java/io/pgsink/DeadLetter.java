package io.pgsink;

import java.util.List;
import java.util.Map;

/**
 * A dead letter as {@link DeadLetterQueue} reads it: where it sits in the dead-letter topic, what pgsink recorded
 * about it (the {@code pgsink.error.*} headers without that prefix: {@code topic}, {@code partition},
 * {@code offset} of the original record, {@code kind}, {@code sqlstate}, {@code message}, {@code id}, ...), the
 * names of the record's own headers, and its key and value. The value is the row's data: show it only when asked.
 *
 * @param timestamp when it was dead-lettered (the dead-letter record's timestamp), epoch milliseconds
 * @param error the pgsink headers, in the order written
 * @param value null when the record had none or the value was left out ({@code value.omitted})
 */
public record DeadLetter(
        String topic,
        int partition,
        long offset,
        long timestamp,
        Map<String, String> error,
        List<String> headerNames,
        byte[] key,
        byte[] value) {

    /** The pgsink header {@code name} (without the {@code pgsink.error.} prefix), or null. */
    public String error(String name) {
        return error.get(name);
    }

    /** The failure kind, e.g. POISON. */
    public String kind() {
        return error("kind");
    }

    /** The PostgreSQL SQLSTATE, or null when the record failed before reaching the database. */
    public String sqlState() {
        return error("sqlstate");
    }

    /** Where the record came from: {@code topic-partition@offset} of the original record. */
    public String source() {
        return error("topic") + "-" + error("partition") + "@" + error("offset");
    }
}
