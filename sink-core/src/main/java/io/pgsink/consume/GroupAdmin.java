package io.pgsink.consume;

import io.pgsink.config.SinkConfig;
import io.pgsink.model.PartitionRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The consumer group's view from outside, through Kafka's {@link Admin} client, for operators: the configured
 * topics' partitions, their log start and end offsets, the group's committed offsets and members, and changing
 * those offsets while the group is empty. Security and other client settings come from {@code kafka.consumer.*}.
 * Failures come back as {@link IllegalStateException}s with one line an operator can act on.
 */
public final class GroupAdmin implements AutoCloseable {

    private final Admin admin;
    private final String group;
    private final String bootstrap;

    private GroupAdmin(Admin admin, String group, String bootstrap) {
        this.admin = admin;
        this.group = group;
        this.bootstrap = bootstrap;
    }

    public static GroupAdmin open(SinkConfig config) {
        Map<String, Object> settings = new HashMap<>();
        // The consumer's settings include client-only keys the Admin client would warn about; keep what it knows.
        config.consumerOverrides().forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                settings.put(key, value);
            }
        });
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "pgsink-offsets");
        settings.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try {
            return new GroupAdmin(Admin.create(settings), config.groupId(), config.bootstrapServers());
        } catch (KafkaException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new IllegalStateException(
                    "cannot create a Kafka admin client for " + config.bootstrapServers() + ": " + root.getMessage(),
                    e);
        }
    }

    /** Every partition of the topics, in topic and partition order. */
    public List<PartitionRef> partitions(Collection<String> topics) {
        Map<String, TopicDescription> described =
                await(admin.describeTopics(topics).allTopicNames(), "describe topics " + topics);
        List<PartitionRef> partitions = new ArrayList<>();
        described
                .values()
                .forEach(topic ->
                        topic.partitions().forEach(p -> partitions.add(new PartitionRef(topic.name(), p.partition()))));
        partitions.sort(Comparator.comparing(PartitionRef::topic).thenComparingInt(PartitionRef::partition));
        return partitions;
    }

    /**
     * How many partitions each topic has, -1 for a topic that does not exist, in the order given.
     *
     * @throws IllegalStateException when the cluster cannot be asked, or refuses for another reason
     */
    public Map<String, Integer> partitionCounts(Collection<String> topics) {
        Map<String, KafkaFuture<TopicDescription>> futures =
                admin.describeTopics(topics).topicNameValues();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String topic : topics) {
            try {
                counts.put(
                        topic,
                        await(futures.get(topic), "describe topic " + topic)
                                .partitions()
                                .size());
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                counts.put(topic, -1);
            }
        }
        return counts;
    }

    /** The group's state and member count as the broker reports them, e.g. "Empty, 0 member(s)". */
    public String groupState() {
        try {
            ConsumerGroupDescription group = await(
                    admin.describeConsumerGroups(List.of(this.group))
                            .describedGroups()
                            .get(this.group),
                    "describe group " + this.group);
            return group.groupState() + ", " + group.members().size() + " member(s)";
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return "not known to the brokers yet (no member has joined, no offsets committed)";
            }
            throw e;
        }
    }

    /** The group's committed offsets of these partitions; a partition without one is absent. */
    public Map<PartitionRef, Long> committed(Collection<PartitionRef> partitions) {
        Map<TopicPartition, OffsetAndMetadata> all = await(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
                "read the committed offsets of group " + group);
        Map<PartitionRef, Long> committed = new HashMap<>();
        for (PartitionRef p : partitions) {
            OffsetAndMetadata offset = all.get(tp(p));
            if (offset != null) {
                committed.put(p, offset.offset());
            }
        }
        return committed;
    }

    /** The offset of each partition's first record still in the log. */
    public Map<PartitionRef, Long> logStart(Collection<PartitionRef> partitions) {
        return listOffsets(partitions, OffsetSpec.earliest());
    }

    /** The offset the next record produced to each partition will get. */
    public Map<PartitionRef, Long> logEnd(Collection<PartitionRef> partitions) {
        return listOffsets(partitions, OffsetSpec.latest());
    }

    /**
     * The offset of each partition's first record with a timestamp at or after {@code epochMillis}, or -1 where no
     * record is that recent.
     */
    public Map<PartitionRef, Long> firstAtOrAfter(Collection<PartitionRef> partitions, long epochMillis) {
        return listOffsets(partitions, OffsetSpec.forTimestamp(epochMillis));
    }

    /** How many members the group has now (0 when the group is empty or unknown to the broker). */
    public int members() {
        try {
            return await(
                            admin.describeConsumerGroups(List.of(group))
                                    .describedGroups()
                                    .get(group),
                            "describe group " + group)
                    .members()
                    .size();
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * Sets the group's committed offsets. Returns false, changing nothing, when the broker refuses because the
     * group has members: Kafka changes a group's offsets from outside only while it is empty.
     */
    public boolean commit(Map<PartitionRef, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((p, offset) -> commit.put(tp(p), new OffsetAndMetadata(offset)));
        try {
            await(admin.alterConsumerGroupOffsets(group, commit).all(), "commit offsets for group " + group);
            return true;
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof UnknownMemberIdException || e.getCause() instanceof GroupNotEmptyException) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        admin.close();
    }

    private Map<PartitionRef, Long> listOffsets(Collection<PartitionRef> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(tp(p), spec));
        Map<TopicPartition, ListOffsetsResultInfo> listed =
                await(admin.listOffsets(request).all(), "list the offsets of " + partitions);
        Map<PartitionRef, Long> offsets = new HashMap<>();
        listed.forEach((tp, info) -> offsets.put(new PartitionRef(tp.topic(), tp.partition()), info.offset()));
        return offsets;
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String reason = cause instanceof UnknownTopicOrPartitionException
                    ? "a topic or partition does not exist"
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            throw new IllegalStateException("cannot " + what + " on " + bootstrap + " (" + reason + ")", cause);
        }
    }

    private static TopicPartition tp(PartitionRef p) {
        return new TopicPartition(p.topic(), p.partition());
    }
}
