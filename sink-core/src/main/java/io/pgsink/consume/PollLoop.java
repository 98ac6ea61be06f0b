package io.pgsink.consume;

import io.pgsink.config.Routing;
import io.pgsink.config.SinkConfig;
import io.pgsink.model.ClientHook;
import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only thread that touches the {@link Consumer}. Polls, hands records to the {@link RecordHandler}, commits
 * what the handler reports handled, pauses partitions the handler blocks (so a slow database never makes this
 * thread miss {@code max.poll.interval.ms}: it keeps polling while paused), and on revocation lets the handler
 * finish in-flight writes and commits before the partitions move.
 *
 * <p>{@link #shutdown()} may be called from any thread: it sets a flag and wakes the consumer. The loop then
 * finishes buffered writes, commits synchronously and closes the consumer, within the shutdown timeout.
 */
public final class PollLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
    /** Records per poll: batches span polls, so this only sizes the hand-over, not the batches. */
    private static final int MAX_POLL_RECORDS = 2000;

    private final Consumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final Pattern topicPattern;
    private final RecordHandler handler;
    private final Duration pollTimeout;
    private final Duration shutdownTimeout;
    private final OffsetTracker offsets = new OffsetTracker();
    private final ConsumerStatus status;
    private final ClientHook clients;
    private final String afterFailedCommit;
    private volatile boolean closing;

    private PollLoop(
            Consumer<byte[], byte[]> consumer,
            List<String> topics,
            Pattern topicPattern,
            RecordHandler handler,
            Duration pollTimeout,
            Duration shutdownTimeout,
            ConsumerStatus status,
            ClientHook clients,
            boolean exactlyOnce) {
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.topicPattern = topicPattern;
        this.handler = handler;
        this.pollTimeout = pollTimeout;
        this.shutdownTimeout = shutdownTimeout;
        this.status = status;
        this.clients = clients;
        this.afterFailedCommit = exactlyOnce
                ? "nothing is lost or written twice: the progress table holds the offsets"
                : "the next owner may write the last records again (delivery.guarantee=at-least-once)";
    }

    /**
     * Creates the worker's consumer: raw bytes, no auto-commit, cooperative-sticky assignment, committed records
     * only (read_committed, unless kafka.consumer.isolation.level says otherwise), reading from the
     * earliest offset when the group has none (a sink should not skip what is already in the topic).
     */
    public static PollLoop create(
            SinkConfig config, String clientId, RecordHandler handler, ConsumerStatus status, ClientHook clients) {
        Map<String, Object> c = consumerSettings(config, clientId);
        Consumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // Poll often enough for the linger timer, but never spin.
        Duration pollTimeout =
                Duration.ofMillis(Math.max(5, Math.min(100, config.batchLinger().toMillis())));
        Routing routing = config.routing();
        PollLoop loop = new PollLoop(
                consumer,
                routing.listedTopics(),
                routing.subscription().orElse(null),
                handler,
                pollTimeout,
                config.shutdownTimeout(),
                status,
                clients,
                config.exactlyOnce());
        clients.opened(consumer);
        return loop;
    }

    /** The consumer's settings: pgsink's defaults, then the operator's overrides, then what pgsink manages. */
    static Map<String, Object> consumerSettings(SinkConfig config, String clientId) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A transactional producer's records become visible only once committed; aborted ones never are.
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        // Fetched but not yet polled records sit in the consumer, outside the buffer.max.bytes count: keep one
        // fetch within that budget too (Kafka's default is 50 MB), unless kafka.consumer.fetch.max.bytes says.
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, (int)
                Math.min(ConsumerConfig.DEFAULT_FETCH_MAX_BYTES, config.bufferMaxBytes()));
        c.putAll(config.consumerOverrides());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        groupInstanceId(config, System.getenv()).ifPresent(id -> c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
        return c;
    }

    /**
     * Static membership lets a restarted worker take its partitions back at once instead of after the session
     * timeout. {@code auto} turns it on only where an id is stable per worker and a duplicate is harmless: in a
     * Kubernetes pod (its name, HOSTNAME, survives a container restart) with the progress table fencing writes.
     */
    static Optional<String> groupInstanceId(SinkConfig config, Map<String, String> environment) {
        String setting = config.groupInstanceId();
        if ("none".equals(setting)) {
            return Optional.empty();
        }
        if (!"auto".equals(setting)) {
            return Optional.of(setting);
        }
        String host = environment.get("HOSTNAME");
        boolean kubernetes = environment.containsKey("KUBERNETES_SERVICE_HOST");
        return config.exactlyOnce() && kubernetes && host != null && !host.isBlank()
                ? Optional.of(host.strip())
                : Optional.empty();
    }

    @Override
    public void run() {
        try {
            if (topicPattern == null) {
                consumer.subscribe(topics, new Rebalance());
            } else {
                // A route reads topics by pattern: the consumer matches it again on every metadata refresh, so a
                // topic created later is assigned without a restart.
                consumer.subscribe(topicPattern, new Rebalance());
            }
            while (!closing) {
                pollOnce();
            }
        } catch (WakeupException e) {
            if (!closing) {
                throw e;
            }
        } finally {
            closeInOrder();
        }
    }

    /** Asks the loop to stop; returns at once. */
    public void shutdown() {
        closing = true;
        consumer.wakeup();
    }

    private void pollOnce() {
        seek(handler.takeClaimed());
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(pollTimeout);
        handler.accept(convert(polled));
        commitHandled(false);
        applyBackpressure();
        status.update(consumer, offsets);
    }

    /**
     * Starts reading at the stored offsets; -1 keeps the group's committed offset (or the reset policy). A stored
     * offset is also committed to the group: a worker killed between the database commit and the Kafka commit
     * leaves the group's offset behind the table's, and a partition with nothing more to read would otherwise
     * show that lag for good (to lag alerts and autoscalers alike).
     */
    private void seek(Map<PartitionRef, Long> starts) {
        starts.forEach((partition, offset) -> {
            TopicPartition tp = new TopicPartition(partition.topic(), partition.partition());
            if (offset >= 0 && consumer.assignment().contains(tp)) {
                consumer.seek(tp, offset);
                offsets.stored(tp, offset);
            }
        });
    }

    private void applyBackpressure() {
        Set<TopicPartition> assigned = consumer.assignment();
        Set<PartitionRef> blocked = handler.blocked(refs(assigned));
        Set<TopicPartition> toPause = new HashSet<>();
        Set<TopicPartition> toResume = new HashSet<>(consumer.paused());
        for (TopicPartition tp : assigned) {
            if (blocked.contains(new PartitionRef(tp.topic(), tp.partition()))) {
                toPause.add(tp);
                toResume.remove(tp);
            }
        }
        toPause.removeAll(consumer.paused());
        if (!toPause.isEmpty()) {
            consumer.pause(toPause);
        }
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
        }
    }

    private void commitHandled(boolean sync) {
        offsets.handled(handler.takeHandled(), consumer.assignment());
        if (!offsets.hasUncommitted()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.take();
        if (sync) {
            try {
                commitSyncThroughWakeup(commit);
            } catch (RuntimeException e) {
                status.commitFailed();
                offsets.restore(commit, consumer.assignment());
                throw e;
            }
        } else {
            consumer.commitAsync(commit, (committed, error) -> {
                if (error != null) {
                    status.commitFailed();
                    LOG.debug("async offset commit failed; will retry with the next commit", error);
                    offsets.restore(committed, consumer.assignment());
                }
            });
        }
    }

    /**
     * {@code shutdown()} may have called {@code wakeup()} while this thread was outside {@code poll()}; the next
     * blocking call then throws once. A commit that must happen is retried after that one-shot wakeup.
     */
    private void commitSyncThroughWakeup(Map<TopicPartition, OffsetAndMetadata> commit) {
        try {
            consumer.commitSync(commit);
        } catch (WakeupException e) {
            consumer.commitSync(commit);
        }
    }

    private void closeInOrder() {
        RuntimeException first = null;
        try {
            handler.finish(shutdownTimeout);
            commitFinal();
        } catch (RuntimeException e) {
            first = e;
        }
        clients.closing(consumer);
        try {
            // Leave the group even as a static member: a clean stop hands the partitions over now.
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(shutdownTimeout));
        } catch (RuntimeException e) {
            if (first == null) {
                first = e;
            } else {
                first.addSuppressed(e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * The last commit. A rebalance under way (a rolling restart stops workers while the group rebalances) makes
     * the commit fail until it completes: poll with every partition paused, so that the rebalance completes and the
     * revocation commits, then try again, within the shutdown timeout. A commit Kafka refuses for good (this
     * member was removed from the group) is logged: the records are in the table, and the next owner starts from
     * the progress table (exactly-once) or reads them again (at-least-once).
     */
    private void commitFinal() {
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        while (true) {
            try {
                commitHandled(true);
                return;
            } catch (RebalanceInProgressException e) {
                if (System.nanoTime() - deadline > 0) {
                    LOG.warn(
                            "the group was still rebalancing when the shutdown timeout ran out; {}", afterFailedCommit);
                    return;
                }
                consumer.pause(consumer.assignment());
                consumer.poll(Duration.ofMillis(100)); // records of partitions assigned meanwhile are never handled
            } catch (CommitFailedException | FencedInstanceIdException e) {
                LOG.warn("Kafka refused the final offset commit ({}); {}", e.getMessage(), afterFailedCommit);
                return;
            }
        }
    }

    private static List<SinkRecord> convert(ConsumerRecords<byte[], byte[]> polled) {
        if (polled.isEmpty()) {
            return List.of();
        }
        List<SinkRecord> records = new ArrayList<>(polled.count());
        for (ConsumerRecord<byte[], byte[]> r : polled) {
            List<SinkRecord.Header> headers = List.of();
            Header[] raw = r.headers().toArray();
            if (raw.length > 0) {
                headers = new ArrayList<>(raw.length);
                for (Header h : raw) {
                    headers.add(new SinkRecord.Header(h.key(), h.value()));
                }
            }
            records.add(
                    new SinkRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), headers));
        }
        return records;
    }

    private static Set<PartitionRef> refs(Collection<TopicPartition> partitions) {
        return partitions.stream()
                .map(tp -> new PartitionRef(tp.topic(), tp.partition()))
                .collect(Collectors.toSet());
    }

    /** Runs inside {@code poll()}, on this thread. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            handler.release(refs(partitions), false, shutdownTimeout);
            try {
                commitHandled(true);
            } catch (RuntimeException e) {
                LOG.warn(
                        "could not commit offsets of revoked partitions {}: the next owner may rewrite some records"
                                + " (idempotent in upsert mode)",
                        partitions,
                        e);
            }
            offsets.forget(partitions);
            LOG.info("partitions revoked: {}", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            handler.release(refs(partitions), true, Duration.ZERO);
            offsets.forget(partitions);
            LOG.warn(
                    "partitions lost without a clean hand-over: {}; their uncommitted records will be written again"
                            + " by their next owner",
                    partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            LOG.info("partitions assigned: {}", partitions);
            Map<PartitionRef, Long> starts = handler.assigned(refs(partitions));
            // Paused here, inside poll(), so that this very poll returns nothing of a partition not yet claimed.
            List<TopicPartition> unclaimed = partitions.stream()
                    .filter(tp -> !starts.containsKey(new PartitionRef(tp.topic(), tp.partition())))
                    .toList();
            if (!unclaimed.isEmpty()) {
                consumer.pause(unclaimed);
            }
            seek(starts);
        }
    }
}
