package io.pgsink.deadletter;

import io.pgsink.config.DeadLetterTopicSettings;
import io.pgsink.config.SinkConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a dead-letter topic exists before the first dead letter is sent to it: a missing topic is created
 * with {@code deadletter.topic.partitions} and {@code deadletter.topic.replication.factor} (as Kafka Connect does
 * for its dead-letter queue) unless {@code deadletter.topic.create=false}. A topic found or created is remembered,
 * so each is checked once per worker. Thread safe.
 */
public final class DeadLetterTopics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterTopics.class);

    private final Admin admin;
    private final DeadLetterTopicSettings settings;
    private final long timeoutMs;
    private final Set<String> present = ConcurrentHashMap.newKeySet();

    DeadLetterTopics(Admin admin, DeadLetterTopicSettings settings, long timeoutMs) {
        this.admin = admin;
        this.settings = settings;
        this.timeoutMs = timeoutMs;
    }

    /** An admin client on the worker's cluster, with the consumer's connection and security settings. */
    public static DeadLetterTopics open(SinkConfig config, String clientId) {
        try {
            return new DeadLetterTopics(
                    Admin.create(adminSettings(config, clientId)),
                    config.deadLetterTopics(),
                    config.deadLetterTimeout().toMillis());
        } catch (KafkaException e) {
            throw new IllegalStateException(
                    "cannot create a Kafka admin client for " + config.bootstrapServers() + ": " + e.getMessage(), e);
        }
    }

    /** The Admin client's settings: the consumer's that the Admin client knows, and the brokers. */
    static Map<String, Object> adminSettings(SinkConfig config, String clientId) {
        Map<String, Object> settings = new HashMap<>();
        config.consumerOverrides().forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                settings.put(key, value);
            }
        });
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        // The Admin client refuses an API timeout below its request timeout (30 s by default).
        int timeout = (int) config.deadLetterTimeout().toMillis();
        settings.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 30_000));
        int request = Integer.parseInt(settings.get(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG)
                .toString()
                .strip());
        settings.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.max(timeout, request));
        return settings;
    }

    /**
     * Returns once {@code topic} exists, creating it when it is missing and creation is on. A topic this client
     * may not describe is left to the producer, which may still be allowed to write to it.
     *
     * @throws DeadLetterException when the topic is missing and creation is off, or creating it failed; the
     *     message says what to do
     */
    public void ensure(String topic) throws DeadLetterException, InterruptedException {
        if (present.contains(topic)) {
            return;
        }
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
            present.add(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                create(topic);
            } else if (e.getCause() instanceof AuthorizationException) {
                LOG.warn(
                        "not allowed to describe dead-letter topic {}; assuming it exists (grant DESCRIBE to have"
                                + " pgsink check it)",
                        topic);
                present.add(topic);
            } else {
                throw failure("cannot describe dead-letter topic " + topic, e.getCause());
            }
        } catch (TimeoutException e) {
            throw failure("cannot describe dead-letter topic " + topic + " within " + timeoutMs + " ms", e);
        }
    }

    /**
     * Checks, changing nothing, that dead letters can go to {@code topic}: it exists and this client may write to
     * it (when the brokers report authorized operations), or it is missing and would be created (a validate-only
     * creation request, which also meets the cluster's authorization and topic policy).
     *
     * @return what was found, e.g. "exists, 1 partition(s)"
     * @throws DeadLetterException saying what is wrong and how to fix it
     */
    public String check(String topic) throws DeadLetterException, InterruptedException {
        try {
            TopicDescription described = admin.describeTopics(
                            List.of(topic), new DescribeTopicsOptions().includeAuthorizedOperations(true))
                    .allTopicNames()
                    .get(timeoutMs, TimeUnit.MILLISECONDS)
                    .get(topic);
            Set<AclOperation> allowed = described.authorizedOperations();
            if (allowed != null
                    && !allowed.isEmpty()
                    && !allowed.contains(AclOperation.WRITE)
                    && !allowed.contains(AclOperation.ALL)) {
                throw new DeadLetterException(
                        "dead-letter topic " + topic + " exists but this user may not write to it: grant WRITE on it",
                        null);
            }
            return "exists, " + described.partitions().size() + " partition(s)";
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw failure("cannot describe dead-letter topic " + topic, e.getCause());
            }
            return wouldCreate(topic);
        } catch (TimeoutException e) {
            throw failure("cannot describe dead-letter topic " + topic + " within " + timeoutMs + " ms", e);
        }
    }

    private String wouldCreate(String topic) throws DeadLetterException, InterruptedException {
        if (!settings.create()) {
            throw new DeadLetterException(
                    "dead-letter topic " + topic + " does not exist and deadletter.topic.create=false: create it, or"
                            + " allow pgsink to (deadletter.topic.create=true)",
                    null);
        }
        try {
            admin.createTopics(List.of(newTopic(topic)), new CreateTopicsOptions().validateOnly(true))
                    .all()
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            return "missing: a worker creates it at start (" + settings.partitions() + " partition(s))";
        } catch (ExecutionException e) {
            throw createFailed(topic, e.getCause());
        } catch (TimeoutException e) {
            throw createFailed(topic, e);
        }
    }

    private NewTopic newTopic(String topic) {
        Optional<Short> replicas =
                settings.replicationFactor() < 0 ? Optional.empty() : Optional.of((short) settings.replicationFactor());
        return new NewTopic(topic, Optional.of(settings.partitions()), replicas);
    }

    private void create(String topic) throws DeadLetterException, InterruptedException {
        if (!settings.create()) {
            throw new DeadLetterException(
                    "dead-letter topic " + topic + " does not exist and deadletter.topic.create=false: create it, or"
                            + " allow pgsink to (deadletter.topic.create=true)",
                    null);
        }
        Optional<Short> replicas =
                settings.replicationFactor() < 0 ? Optional.empty() : Optional.of((short) settings.replicationFactor());
        NewTopic newTopic = new NewTopic(topic, Optional.of(settings.partitions()), replicas);
        try {
            admin.createTopics(List.of(newTopic)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
            LOG.info(
                    "created dead-letter topic {} ({} partition(s), replication factor {})",
                    topic,
                    settings.partitions(),
                    settings.replicationFactor() < 0
                            ? "the broker's default"
                            : String.valueOf(settings.replicationFactor()));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw createFailed(topic, e.getCause());
            }
            // Another worker created it first.
        } catch (TimeoutException e) {
            throw createFailed(topic, e);
        }
        present.add(topic);
    }

    private static DeadLetterException createFailed(String topic, Throwable cause) {
        if (cause instanceof AuthorizationException) {
            return new DeadLetterException(
                    "not authorized to create dead-letter topic " + topic + " (" + cause.getMessage() + "): create"
                            + " the topic, or grant CREATE on it, or set deadletter.topic.create=false once it exists",
                    cause);
        }
        return failure("cannot create dead-letter topic " + topic, cause);
    }

    private static DeadLetterException failure(String what, Throwable cause) {
        return new DeadLetterException(
                what + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")", cause);
    }

    @Override
    public void close() {
        admin.close();
    }
}
