package io.pgsink.tools.bench;

import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends benchmark events at a fixed rate on a thread of its own, until told where to stop. Record {@code i} is due
 * {@code i / rate} seconds after the start, on {@link System#nanoTime()}: a late send is caught up at once rather
 * than pushing every later one back, so the rate does not drift. Each event carries in {@code sent_at} the
 * wall-clock time it was handed to the producer.
 */
final class PacedProducer implements Runnable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final double nanosPerRecord;
    private volatile long limit = Long.MAX_VALUE;
    private volatile long sent;
    private volatile long maxLateNanos;
    private volatile long elapsedNanos;

    PacedProducer(KafkaProducer<byte[], byte[]> producer, String topic, int rate) {
        this.producer = producer;
        this.topic = topic;
        this.nanosPerRecord = 1e9 / rate;
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        for (long id = 0; id < limit; id++) {
            long due = start + (long) (id * nanosPerRecord);
            long now = System.nanoTime();
            while (now < due) {
                LockSupport.parkNanos(due - now);
                now = System.nanoTime();
            }
            maxLateNanos = Math.max(maxLateNanos, now - due);
            BenchData.Event event = BenchData.event(id, Instant.now());
            producer.send(new ProducerRecord<>(topic, event.key(), event.json()));
            sent = id + 1;
        }
        producer.flush();
        elapsedNanos = System.nanoTime() - start;
    }

    /** Sends records up to, not including, id {@code limit}, then stops. */
    void stopAt(long limit) {
        this.limit = limit;
    }

    /** Records handed to the producer so far (ids 0 to sent - 1). */
    long sent() {
        return sent;
    }

    /** Records per second actually sent, once {@link #run} has returned. */
    double achievedRate() {
        return sent / (elapsedNanos / 1e9);
    }

    /** The most any send started after it was due, in ms: large values mean this thread was starved. */
    double maxLateMillis() {
        return maxLateNanos / 1e6;
    }
}
