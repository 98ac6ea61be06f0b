package io.pgsink.consume;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Records still to consume on the assigned partitions, as last seen by the consumer; readable from any thread. */
public final class LagGauge {

    private final AtomicLong lag = new AtomicLong(-1);

    void update(Consumer<?, ?> consumer) {
        long total = 0;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong partitionLag = consumer.currentLag(tp);
            if (partitionLag.isPresent()) {
                total += partitionLag.getAsLong();
            }
        }
        lag.set(total);
    }

    /** The lag summed over assigned partitions, or -1 before the first poll. */
    public long records() {
        return lag.get();
    }
}
