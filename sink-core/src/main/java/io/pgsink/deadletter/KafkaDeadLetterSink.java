package io.pgsink.deadletter;

import io.pgsink.config.SinkConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends rejected records to a dead-letter topic with an idempotent, acks=all producer: the original key, value
 * and headers byte for byte, plus {@code pgsink.error.*} headers saying where the record came from and why it was
 * rejected. {@link #send} returns only when every record is acknowledged.
 */
public final class KafkaDeadLetterSink implements DeadLetterSink {

    private final Producer<byte[], byte[]> producer;
    private final Function<String, String> topicFor;
    private final DeadLetterHeaders headers;
    private final Duration timeout;

    public KafkaDeadLetterSink(
            Map<String, Object> producerConfig,
            Function<String, String> topicFor,
            DeadLetterHeaders headers,
            Duration timeout) {
        Map<String, Object> config = new HashMap<>(producerConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.topicFor = topicFor;
        this.headers = headers;
        this.timeout = timeout;
    }

    /** The worker's dead-letter sink: same cluster and connection security as its consumer. */
    public static KafkaDeadLetterSink create(SinkConfig config, String workerId) {
        Map<String, Object> p = new HashMap<>();
        config.consumerOverrides().forEach((key, value) -> {
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                p.put(key, value);
            }
        });
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, workerId + "-deadletter");
        return new KafkaDeadLetterSink(
                p,
                config::deadLetterTopicFor,
                new DeadLetterHeaders(config.groupId(), workerId),
                config.deadLetterTimeout());
    }

    @Override
    public void send(List<Rejection> rejections) throws DeadLetterException, InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(rejections.size());
        try {
            for (Rejection rejection : rejections) {
                Future<RecordMetadata> ack = producer.send(toProducerRecord(rejection));
                if (ack.isDone()) {
                    ack.get(); // failed already (no metadata within max.block.ms): don't wait that long again
                }
                acks.add(ack);
            }
            producer.flush();
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new DeadLetterException(
                    "the dead-letter topic did not acknowledge " + rejections.size()
                            + " rejected record(s) (" + cause
                            + "); their offsets stay uncommitted: create the topic or grant"
                            + " write access, then restart the worker",
                    cause);
        }
    }

    private ProducerRecord<byte[], byte[]> toProducerRecord(Rejection rejection) {
        RecordHeaders out = new RecordHeaders();
        rejection.record().headers().forEach(h -> out.add(h.key(), h.value()));
        headers.describe(rejection).forEach((k, v) -> out.add(k, v.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(
                topicFor.apply(rejection.record().topic()),
                null,
                null,
                rejection.record().key(),
                rejection.record().value(),
                out);
    }

    @Override
    public void close() {
        producer.close(timeout);
    }
}
