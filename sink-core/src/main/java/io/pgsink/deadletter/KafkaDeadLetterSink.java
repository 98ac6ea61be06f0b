package io.pgsink.deadletter;

import io.pgsink.config.Routing;
import io.pgsink.config.SinkConfig;
import io.pgsink.model.ClientHook;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends rejected records to a dead-letter topic with an idempotent, acks=all producer: the original key, value
 * and headers byte for byte, plus {@code pgsink.error.*} headers saying where the record came from and why it was
 * rejected. {@link #send} returns only when every record is acknowledged.
 *
 * <p>The producer takes requests as large as the largest record the consumer can deliver. If the broker still
 * refuses a dead letter's size (the dead-letter topic's {@code max.message.bytes} is smaller than the source
 * topic's), it is sent again without its value, with headers saying so and the value's size; the coordinates
 * headers say where to read it again. A record that cannot be dead-lettered would otherwise stop the worker.
 */
public final class KafkaDeadLetterSink implements DeadLetterSink {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeadLetterSink.class);
    /** Room for the headers pgsink adds, on top of the largest record the consumer can deliver. */
    private static final int HEADER_ROOM = 64 * 1024;

    private static final long DEFAULT_BUFFER_MEMORY = 32L * 1024 * 1024;

    private final Producer<byte[], byte[]> producer;
    private final Function<String, String> topicFor;
    private final DeadLetterHeaders headers;
    private final Duration timeout;
    private final DeadLetterTopics topics;
    private ClientHook clients = ClientHook.NONE;

    /** @param topics makes sure a dead-letter topic exists before the first record is sent to it; closed here */
    public KafkaDeadLetterSink(
            Map<String, Object> producerConfig,
            Function<String, String> topicFor,
            DeadLetterHeaders headers,
            Duration timeout,
            DeadLetterTopics topics) {
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
        this.topics = topics;
    }

    /** Each route's dead-letter topic; a topic of no route cannot reach a writer, so it never gets here. */
    private static Function<String, String> deadLetterTopics(Routing routing) {
        return topic -> routing.routeOf(topic).deadLetterTopicFor(topic);
    }

    /** The worker's dead-letter sink: same cluster and connection security as its consumer. */
    public static KafkaDeadLetterSink create(SinkConfig config, String workerId) {
        return create(config, workerId, ClientHook.NONE);
    }

    /** {@link #create(SinkConfig, String)}, telling {@code clients} of the producer. */
    public static KafkaDeadLetterSink create(SinkConfig config, String workerId, ClientHook clients) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, workerId + "-deadletter");
        p.putAll(producerSecurity(config));
        int maxRequest = (int) Math.min(Integer.MAX_VALUE - HEADER_ROOM, largestDeliverable(config)) + HEADER_ROOM;
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequest);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(DEFAULT_BUFFER_MEMORY, 2L * maxRequest));
        KafkaDeadLetterSink sink = new KafkaDeadLetterSink(
                p,
                deadLetterTopics(config.routing()),
                new DeadLetterHeaders(config.groupId(), workerId),
                config.deadLetterTimeout(),
                DeadLetterTopics.open(config, workerId + "-deadletter-admin"));
        sink.clients = clients;
        clients.opened(sink.producer);
        return sink;
    }

    /** The consumer's connection security settings, for a producer on the same cluster. */
    static Map<String, Object> producerSecurity(SinkConfig config) {
        Map<String, Object> p = new HashMap<>();
        config.consumerOverrides().forEach((key, value) -> {
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                p.put(key, value);
            }
        });
        return p;
    }

    /**
     * Makes sure the dead-letter topic exists, creating it when missing (see {@link DeadLetterTopics#ensure}); the
     * worker calls it at start for the dead-letter topic of each configured topic.
     */
    public void ensureTopic(String topic) throws DeadLetterException, InterruptedException {
        topics.ensure(topic);
    }

    /**
     * The largest record the worker's consumer can hand over: a fetch returns at least one whole record batch, so
     * the consumer's fetch limits bound what arrives in practice (Kafka's own default for fetch.max.bytes is 50 MB,
     * pgsink lowers it to buffer.max.bytes, as the poll loop does).
     */
    static long largestDeliverable(SinkConfig config) {
        Map<String, String> consumer = config.consumerOverrides();
        long fetch = consumer.containsKey(ConsumerConfig.FETCH_MAX_BYTES_CONFIG)
                ? Long.parseLong(
                        consumer.get(ConsumerConfig.FETCH_MAX_BYTES_CONFIG).strip())
                : Math.min(ConsumerConfig.DEFAULT_FETCH_MAX_BYTES, config.bufferMaxBytes());
        long partition = consumer.containsKey(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG)
                ? Long.parseLong(consumer.get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG)
                        .strip())
                : ConsumerConfig.DEFAULT_MAX_PARTITION_FETCH_BYTES;
        return Math.max(fetch, partition);
    }

    @Override
    public void send(List<Rejection> rejections) throws DeadLetterException, InterruptedException {
        // Topics read by pattern are only known when their first record is rejected: created then, not at start.
        for (String topic : rejections.stream()
                .map(r -> topicFor.apply(r.record().topic()))
                .distinct()
                .toList()) {
            topics.ensure(topic);
        }
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<Rejection> tooLarge = sendAll(rejections, this::toProducerRecord, deadline);
            if (!tooLarge.isEmpty()) {
                tooLarge.forEach(r -> LOG.warn(
                        "{}: the dead-letter topic refused the record's size ({} bytes); dead-lettered without its"
                                + " value (header {}), read it again from the source topic",
                        r.record().coordinates(),
                        r.record().value() == null ? 0 : r.record().value().length,
                        DeadLetterHeaders.VALUE_OMITTED));
                List<Rejection> refused = sendAll(tooLarge, this::withoutValue, deadline);
                if (!refused.isEmpty()) {
                    throw new RecordTooLargeException("even without its value, the dead letter of "
                            + refused.get(0).record().coordinates() + " is too large");
                }
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

    /**
     * Sends the records and waits for every acknowledgement until the deadline; returns the rejections whose record
     * the producer or the broker refused as too large, and throws on any other failure.
     */
    private List<Rejection> sendAll(
            List<Rejection> rejections, Function<Rejection, ProducerRecord<byte[], byte[]>> toRecord, long deadline)
            throws ExecutionException, TimeoutException, InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(rejections.size());
        for (Rejection rejection : rejections) {
            Future<RecordMetadata> ack = producer.send(toRecord.apply(rejection));
            if (ack.isDone() && !tooLarge(ack)) {
                ack.get(); // failed already (no metadata within max.block.ms): don't wait that long again
            }
            acks.add(ack);
        }
        producer.flush();
        List<Rejection> tooLarge = new ArrayList<>();
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RecordTooLargeException)) {
                    throw e;
                }
                tooLarge.add(rejections.get(i));
            }
        }
        return tooLarge;
    }

    private static boolean tooLarge(Future<RecordMetadata> done) throws InterruptedException {
        try {
            done.get();
            return false;
        } catch (ExecutionException e) {
            return e.getCause() instanceof RecordTooLargeException;
        }
    }

    private ProducerRecord<byte[], byte[]> toProducerRecord(Rejection rejection) {
        return producerRecord(rejection, rejection.record().value(), headers.describe(rejection));
    }

    private ProducerRecord<byte[], byte[]> withoutValue(Rejection rejection) {
        return producerRecord(rejection, null, headers.describeWithoutValue(rejection));
    }

    private ProducerRecord<byte[], byte[]> producerRecord(Rejection rejection, byte[] value, Map<String, String> ours) {
        RecordHeaders out = new RecordHeaders();
        rejection.record().headers().forEach(h -> out.add(h.key(), h.value()));
        ours.forEach((k, v) -> out.add(k, v.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(
                topicFor.apply(rejection.record().topic()),
                null,
                null,
                rejection.record().key(),
                value,
                out);
    }

    @Override
    public void close() {
        clients.closing(producer);
        try {
            producer.close(timeout);
        } finally {
            topics.close();
        }
    }
}
