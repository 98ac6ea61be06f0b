package io.pgsink.consume;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.model.PartitionRef;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void commitsTheOffsetAfterTheLastHandledRecord() {
        tracker.handled(Map.of(new PartitionRef("t", 0), 41L), Set.of(P0, P1));

        assertThat(tracker.take()).containsExactly(Map.entry(P0, new OffsetAndMetadata(42)));
        assertThat(tracker.hasUncommitted()).isFalse();
    }

    @Test
    void commitsAStoredStartOffsetUnlessALaterOneIsHandledFirst() {
        tracker.stored(P0, 300);
        tracker.stored(P1, 50);
        tracker.handled(Map.of(new PartitionRef("t", 1), 59L), Set.of(P0, P1));

        assertThat(tracker.take())
                .containsOnly(Map.entry(P0, new OffsetAndMetadata(300)), Map.entry(P1, new OffsetAndMetadata(60)));
    }

    @Test
    void neverCommitsPartitionsThatAreNoLongerAssigned() {
        tracker.handled(Map.of(new PartitionRef("t", 0), 9L, new PartitionRef("t", 1), 19L), Set.of(P1));

        assertThat(tracker.take()).containsOnlyKeys(P1);
    }

    @Test
    void aRestoredFailedCommitNeverMovesTheWatermarkBack() {
        tracker.handled(Map.of(new PartitionRef("t", 0), 9L), Set.of(P0));
        Map<TopicPartition, OffsetAndMetadata> failed = tracker.take();
        tracker.handled(Map.of(new PartitionRef("t", 0), 19L), Set.of(P0));

        tracker.restore(failed, Set.of(P0));

        assertThat(tracker.take()).containsExactly(Map.entry(P0, new OffsetAndMetadata(20)));
    }

    @Test
    void aFailedOlderCommitIsNotRestoredOnceANewerOneWasTaken() {
        tracker.handled(Map.of(new PartitionRef("t", 0), 199L), Set.of(P0));
        Map<TopicPartition, OffsetAndMetadata> older = tracker.take();
        tracker.handled(Map.of(new PartitionRef("t", 0), 299L), Set.of(P0));
        tracker.take(); // the newer commit is on its way

        tracker.restore(older, Set.of(P0));

        assertThat(tracker.hasUncommitted()).isFalse();
    }

    @Test
    void aFailedCommitIsNotRestoredForAPartitionNoLongerAssigned() {
        tracker.handled(Map.of(new PartitionRef("t", 0), 9L), Set.of(P0));
        Map<TopicPartition, OffsetAndMetadata> failed = tracker.take();
        tracker.forget(Set.of(P0));

        tracker.restore(failed, Set.of(P1));

        assertThat(tracker.hasUncommitted()).isFalse();
    }

    @Test
    void forgetsReleasedPartitions() {
        tracker.handled(Map.of(new PartitionRef("t", 0), 9L, new PartitionRef("t", 1), 19L), Set.of(P0, P1));

        tracker.forget(Set.of(P0));

        assertThat(tracker.take()).containsOnlyKeys(P1);
    }
}
