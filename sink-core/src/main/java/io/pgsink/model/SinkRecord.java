package io.pgsink.model;

import java.util.List;
import java.util.Objects;

/**
 * One consumed Kafka record: its coordinates and its original bytes, untouched, so that a record that cannot be
 * written can be forwarded byte for byte.
 *
 * @param key the record key, or {@code null}
 * @param value the record value, or {@code null} (a tombstone)
 * @param headers the record headers in their original order
 */
public record SinkRecord(
        String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {

    /** Fixed per-record overhead counted against the memory budget, beyond key, value and headers. */
    private static final int OVERHEAD_BYTES = 96;

    /** One record header; the value may be {@code null}. */
    public record Header(String key, byte[] value) {
        public Header {
            Objects.requireNonNull(key, "key");
        }
    }

    public SinkRecord {
        Objects.requireNonNull(topic, "topic");
        headers = List.copyOf(headers);
    }

    public PartitionRef partitionRef() {
        return new PartitionRef(topic, partition);
    }

    /** Bytes this record holds on the heap, roughly: what the buffer limit counts. */
    public long sizeInBytes() {
        long size = OVERHEAD_BYTES + length(key) + length(value);
        for (Header header : headers) {
            size += header.key().length() + length(header.value());
        }
        return size;
    }

    /** The record's coordinates as {@code topic-partition@offset}, for logs and error messages. */
    public String coordinates() {
        return topic + "-" + partition + "@" + offset;
    }

    @Override
    public String toString() {
        // Never the key or value: they may hold personal data.
        return "SinkRecord[" + coordinates() + "]";
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
