package io.pgsink.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.model.PartitionRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnershipTest {

    private static final PartitionRef P0 = new PartitionRef("t", 0);
    private static final PartitionRef P1 = new PartitionRef("t", 1);

    @Test
    void aBatchSeesOnlyThePartitionsTakenAwayAfterItWasHandedOver() {
        Ownership ownership = new Ownership();
        ownership.moved(List.of(P1)); // an earlier revocation: not this batch's concern
        Map<PartitionRef, Long> batch = ownership.snapshot(List.of(P0, P1));

        assertThat(ownership.movedSince(batch)).isEmpty();
        ownership.moved(List.of(P1));
        assertThat(ownership.movedSince(batch)).containsExactly(P1);
        assertThat(ownership.movedSince(ownership.snapshot(List.of(P0, P1))))
                .as("a batch handed over later")
                .isEmpty();
    }

    @Test
    void closingTakesEveryPartitionAway() {
        Ownership ownership = new Ownership();
        Map<PartitionRef, Long> batch = ownership.snapshot(List.of(P0, P1));

        ownership.closeAll();

        assertThat(ownership.movedSince(batch)).containsExactlyInAnyOrder(P0, P1);
    }
}
