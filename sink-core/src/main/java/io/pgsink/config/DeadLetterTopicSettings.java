package io.pgsink.config;

import java.util.ArrayList;
import java.util.List;

/**
 * How pgsink creates a dead-letter topic that does not exist: whether at all, and with how many partitions and
 * replicas. Validated like every setting: every problem named, nothing adjusted.
 *
 * @param create whether a missing dead-letter topic is created ({@code deadletter.topic.create})
 * @param partitions its partitions ({@code deadletter.topic.partitions})
 * @param replicationFactor its replication factor, or -1 for the broker's default
 *     ({@code deadletter.topic.replication.factor})
 */
public record DeadLetterTopicSettings(boolean create, int partitions, int replicationFactor) {

    /** @throws ConfigException listing every invalid component */
    public DeadLetterTopicSettings {
        List<String> problems = new ArrayList<>();
        ConfigCatalog.DEADLETTER_TOPIC_PARTITIONS.check(partitions, problems);
        ConfigCatalog.DEADLETTER_TOPIC_REPLICATION_FACTOR.check(replicationFactor, problems);
        checkReplicationFactor(replicationFactor, problems);
        ConfigException.throwIfAny(problems);
    }

    /** The range alone allows 0, which Kafka refuses: say so with the other problems. */
    static void checkReplicationFactor(Integer replicationFactor, List<String> problems) {
        if (replicationFactor != null && replicationFactor == 0) {
            problems.add(ConfigCatalog.DEADLETTER_TOPIC_REPLICATION_FACTOR.name()
                    + ": \"0\" is not a replication factor; set -1 for the broker's default, or 1 or more");
        }
    }

    /** The catalog's defaults: create with one partition and the broker's default replication factor. */
    public static DeadLetterTopicSettings defaults() {
        return new DeadLetterTopicSettings(true, 1, -1);
    }
}
