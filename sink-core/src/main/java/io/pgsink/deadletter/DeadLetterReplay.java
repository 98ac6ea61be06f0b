package io.pgsink.deadletter;

import io.pgsink.config.SinkConfig;
import io.pgsink.model.PartitionRef;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends dead letters back to the topic they came from, as they were before they were rejected: their original
 * key, value and headers without the {@code pgsink.error.*} ones, to their original partition, plus
 * {@value #REPLAYED_FROM} naming the dead letter ({@code topic/partition/offset}). The worker then writes them like
 * any record, so ordering, retries and dead-lettering stay in one place.
 *
 * <p>The replay group's committed offsets say how far replays have read: a run starts there and commits its
 * position only after every record it sent before that position is acknowledged (acks=all, idempotent), so a run
 * after a finished one sends nothing twice. A run interrupted between an acknowledgement and its commit sends at
 * most the records of one unacknowledged step again. Records the filter passes over are read past as well.
 */
public final class DeadLetterReplay implements AutoCloseable {

    /** The header a replayed record carries: the coordinates of the dead letter it came from. */
    public static final String REPLAYED_FROM = "pgsink.replayed-from";

    /** Records sent before their acknowledgements are awaited and the position committed. */
    private static final int STEP = 500;

    private final DeadLetterLog log;
    private final Producer<byte[], byte[]> producer;
    private final Duration timeout;

    private DeadLetterReplay(DeadLetterLog log, Producer<byte[], byte[]> producer, Duration timeout) {
        this.log = log;
        this.producer = producer;
        this.timeout = timeout;
    }

    /** What a replay is told to do. */
    public record Plan(
            Collection<String> topics,
            DeadLetterLog.Start start,
            Predicate<StoredLetter> select,
            long limit,
            boolean dryRun,
            String toTopic) {}

    /** Told of each dead letter selected (sent, or only listed in a dry run), and of each committed step. */
    public interface Progress {
        void selected(StoredLetter letter, String target);

        void committed(long replayed);
    }

    /** What a replay did. */
    public record Summary(long read, long replayed, long valueOmitted) {}

    /** Opens the replay group's reader (never a member: nothing is assigned by the broker) and a producer. */
    public static DeadLetterReplay open(SinkConfig config, String replayGroup) {
        DeadLetterLog log = DeadLetterLog.open(config, replayGroup);
        try {
            Map<String, Object> p = new HashMap<>(KafkaDeadLetterSink.producerSecurity(config));
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            p.put(ProducerConfig.CLIENT_ID_CONFIG, replayGroup);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int)
                    Math.min(Integer.MAX_VALUE, KafkaDeadLetterSink.largestDeliverable(config) + 64 * 1024));
            return new DeadLetterReplay(
                    log,
                    new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()),
                    config.deadLetterTimeout());
        } catch (KafkaException e) {
            log.close();
            throw new IllegalStateException(
                    "cannot create a Kafka producer for " + config.bootstrapServers() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replays what {@code plan} selects, up to its limit.
     *
     * @throws IllegalStateException when a record is not acknowledged; what was acknowledged before is committed
     */
    public Summary run(Plan plan, Progress progress) throws InterruptedException {
        Step step = new Step();
        long[] counts = new long[3]; // read, replayed, value omitted
        Map<PartitionRef, Long> end = log.read(plan.topics(), plan.start(), letter -> {
            if (plan.limit() >= 0 && counts[1] >= plan.limit()) {
                return false;
            }
            counts[0]++;
            if (plan.select().test(letter)) {
                if ("true".equals(letter.header(DeadLetterHeaders.VALUE_OMITTED))) {
                    counts[2]++;
                } else {
                    counts[1]++;
                    replay(letter, plan, progress, step);
                }
            }
            step.read(letter);
            if (step.pending.size() >= STEP) {
                finish(step, plan, progress, counts[1]);
            }
            return true;
        });
        step.next.putAll(end);
        finish(step, plan, progress, counts[1]);
        return new Summary(counts[0], counts[1], counts[2]);
    }

    private void replay(StoredLetter letter, Plan plan, Progress progress, Step step) {
        ProducerRecord<byte[], byte[]> record = original(letter, plan.toTopic());
        progress.selected(letter, record.topic() + (record.partition() == null ? "" : "-" + record.partition()));
        if (!plan.dryRun()) {
            try {
                step.pending.add(producer.send(record));
            } catch (KafkaException e) {
                throw new IllegalStateException("cannot send to " + record.topic() + ": " + e, e);
            }
        }
    }

    /** Waits for every acknowledgement of the step, then commits its position; a dry run commits nothing. */
    private void finish(Step step, Plan plan, Progress progress, long replayed) throws InterruptedException {
        if (plan.dryRun()) {
            return;
        }
        producer.flush();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<RecordMetadata> ack : step.pending) {
            try {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                throw new IllegalStateException(
                        "a replayed record was not acknowledged (" + cause + "); the records of this step are not"
                                + " committed and will be sent again by the next replay",
                        cause);
            }
        }
        step.pending.clear();
        if (!step.next.isEmpty()) {
            log.commit(step.next);
        }
        progress.committed(replayed);
    }

    /** The record as it was before it was rejected, to its original topic and partition or to {@code toTopic}. */
    static ProducerRecord<byte[], byte[]> original(StoredLetter letter, String toTopic) {
        String topic = letter.header(DeadLetterHeaders.TOPIC);
        String partition = letter.header(DeadLetterHeaders.PARTITION);
        if (toTopic == null && (topic == null || partition == null)) {
            throw new IllegalStateException("dead letter " + coordinates(letter) + " has no " + DeadLetterHeaders.TOPIC
                    + " or " + DeadLetterHeaders.PARTITION + " header: it was not written by pgsink; pass --to-topic");
        }
        RecordHeaders headers = new RecordHeaders();
        for (StoredLetter.Header h : letter.headers()) {
            if (!h.key().startsWith(DeadLetterHeaders.PREFIX) && !h.key().equals(REPLAYED_FROM)) {
                headers.add(h.key(), h.value());
            }
        }
        headers.add(REPLAYED_FROM, coordinates(letter).getBytes(StandardCharsets.UTF_8));
        return toTopic == null
                ? new ProducerRecord<>(topic, Integer.valueOf(partition), null, letter.key(), letter.value(), headers)
                : new ProducerRecord<>(toTopic, null, null, letter.key(), letter.value(), headers);
    }

    static String coordinates(StoredLetter letter) {
        return letter.topic() + "/" + letter.partition() + "/" + letter.offset();
    }

    @Override
    public void close() {
        try {
            producer.close(timeout);
        } finally {
            log.close();
        }
    }

    /** The records sent and not yet acknowledged, and the position to commit once they are. */
    private static final class Step {
        final List<Future<RecordMetadata>> pending = new ArrayList<>();
        final Map<PartitionRef, Long> next = new HashMap<>();

        void read(StoredLetter letter) {
            next.put(new PartitionRef(letter.topic(), letter.partition()), letter.offset() + 1);
        }
    }
}
