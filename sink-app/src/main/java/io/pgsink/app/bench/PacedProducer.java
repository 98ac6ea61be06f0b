package io.pgsink.app.bench;

import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends benchmark events at a fixed rate. Record {@code i} is due {@code i / rate} seconds after the start, on
 * {@link System#nanoTime()}: a late send is caught up at once rather than pushing every later one back, so the
 * rate does not drift. Each event carries in {@code sent_at} the wall-clock time it was handed to the producer.
 */
final class PacedProducer {

    /**
     * @param sent records sent (ids 0 to sent - 1)
     * @param seconds from the first send until the last was acknowledged
     * @param maxLateMillis the most any send started after it was due: large values mean this thread was starved
     */
    record Result(long sent, double seconds, double maxLateMillis) {
    }

    private PacedProducer() {
    }

    static Result send(KafkaProducer<byte[], byte[]> producer, String topic, int rate, long records) {
        double nanosPerRecord = 1e9 / rate;
        long start = System.nanoTime();
        long maxLate = 0;
        for (long id = 0; id < records; id++) {
            long due = start + (long) (id * nanosPerRecord);
            long now = System.nanoTime();
            while (now < due) {
                LockSupport.parkNanos(due - now);
                now = System.nanoTime();
            }
            maxLate = Math.max(maxLate, now - due);
            BenchData.Event event = BenchData.event(id, Instant.now());
            producer.send(new ProducerRecord<>(topic, event.key(), event.json()));
        }
        producer.flush();
        return new Result(records, (System.nanoTime() - start) / 1e9, maxLate / 1e6);
    }
}
