package io.pgsink.model;

import java.util.Objects;

/** A topic partition, without depending on the Kafka client types. */
public record PartitionRef(String topic, int partition) {

    public PartitionRef {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0: " + partition);
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
