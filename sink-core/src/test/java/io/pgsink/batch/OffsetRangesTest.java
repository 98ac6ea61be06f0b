package io.pgsink.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.model.SinkRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OffsetRangesTest {

    @Test
    void onePartitionIsOneRangeFromItsFirstToItsLastOffset() {
        assertThat(OffsetRanges.of(List.of(record("a", 0, 5), record("a", 0, 6), record("a", 0, 9))))
                .containsExactly(new OffsetRanges.Range("a", 0, 5, 9));
    }

    @Test
    void aPartitionSeenInSeveralRunsIsOneRangeOverAllOfThem() {
        // Two polls' records of the same partitions, interleaved as a lane receives them.
        List<SinkRecord> records = List.of(
                record("a", 0, 10),
                record("a", 0, 11),
                record("b", 0, 3),
                record("a", 1, 7),
                record("a", 0, 12),
                record("b", 0, 4),
                record("a", 1, 8));
        assertThat(OffsetRanges.of(records))
                .containsExactly(
                        new OffsetRanges.Range("a", 0, 10, 12),
                        new OffsetRanges.Range("b", 0, 3, 4),
                        new OffsetRanges.Range("a", 1, 7, 8));
    }

    @Test
    void theSamePartitionNumberOfTwoTopicsIsTwoRanges() {
        assertThat(OffsetRanges.of(List.of(record("a", 2, 1), record("b", 2, 100), record("a", 2, 2))))
                .containsExactly(new OffsetRanges.Range("a", 2, 1, 2), new OffsetRanges.Range("b", 2, 100, 100));
    }

    @Test
    void offsetsOutOfOrderWithinARunStillGiveTheLowestAndHighest() {
        assertThat(OffsetRanges.of(List.of(record("a", 0, 8), record("a", 0, 3), record("a", 0, 5))))
                .containsExactly(new OffsetRanges.Range("a", 0, 3, 8));
    }

    @Test
    void noRecordsNoRanges() {
        assertThat(OffsetRanges.of(new ArrayList<>())).isEmpty();
    }

    private static SinkRecord record(String topic, int partition, long offset) {
        return new SinkRecord(topic, partition, offset, 0L, null, new byte[] {'{', '}'}, List.of());
    }
}
