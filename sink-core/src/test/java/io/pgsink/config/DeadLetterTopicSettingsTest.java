package io.pgsink.config;

import static io.pgsink.config.SinkConfigTest.minimalWith;
import static io.pgsink.config.SinkConfigTest.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterTopicSettingsTest {

    @Test
    void byDefaultAMissingDeadLetterTopicIsCreatedWithOnePartitionAndTheBrokersReplicationFactor() {
        DeadLetterTopicSettings topics = SinkConfig.parse(minimalWith()).deadLetterTopics();

        assertThat(topics).isEqualTo(new DeadLetterTopicSettings(true, 1, -1));
        assertThat(topics).isEqualTo(DeadLetterTopicSettings.defaults());
    }

    @Test
    void creationCanBeTurnedOffAndSized() {
        DeadLetterTopicSettings topics = SinkConfig.parse(minimalWith(
                        "deadletter.topic.create", "FALSE",
                        "deadletter.topic.partitions", "6",
                        "deadletter.topic.replication.factor", "3"))
                .deadLetterTopics();

        assertThat(topics).isEqualTo(new DeadLetterTopicSettings(false, 6, 3));
    }

    @Test
    void everyBadValueIsNamedWithHowToFixIt() {
        assertThat(problemsOf(minimalWith(
                        "deadletter.topic.create", "yes",
                        "deadletter.topic.partitions", "0",
                        "deadletter.topic.replication.factor", "0")))
                .containsExactlyInAnyOrder(
                        "deadletter.topic.create: \"yes\" is not true or false; set true or false",
                        "deadletter.topic.partitions: \"0\" is out of range; set a whole number between 1 and 100000",
                        "deadletter.topic.replication.factor: \"0\" is not a replication factor; set -1 for the"
                                + " broker's default, or 1 or more");
    }
}
