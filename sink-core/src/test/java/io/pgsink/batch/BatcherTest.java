package io.pgsink.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.model.SinkRecord;
import io.pgsink.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatcherTest {

    private final ManualClock clock = new ManualClock();

    private static SinkRecord record(int partition, long offset, int valueBytes) {
        return new SinkRecord("t", partition, offset, 0L, null, new byte[valueBytes], List.of());
    }

    @Test
    void closesBatchWhenRecordTargetIsReached() {
        Batcher batcher = new Batcher(clock, SizeTarget.fixed(3), 1 << 20, Duration.ofSeconds(10));

        assertThat(batcher.add(record(0, 0, 10))).isEmpty();
        assertThat(batcher.add(record(0, 1, 10))).isEmpty();
        Optional<Batch> batch = batcher.add(record(0, 2, 10));

        assertThat(batch).isPresent();
        assertThat(batch.get().cutBySize()).isTrue();
        assertThat(batch.get().records()).extracting(SinkRecord::offset).containsExactly(0L, 1L, 2L);
        assertThat(batcher.pendingRecords()).isZero();
    }

    @Test
    void closesPendingBatchBeforeARecordThatWouldExceedTheByteCap() {
        long oneRecord = record(0, 0, 100).sizeInBytes();
        Batcher batcher = new Batcher(clock, SizeTarget.fixed(1000), oneRecord * 2 + 1, Duration.ofSeconds(10));

        batcher.add(record(0, 0, 100));
        batcher.add(record(0, 1, 100));
        Optional<Batch> batch = batcher.add(record(0, 2, 100));

        assertThat(batch).isPresent();
        assertThat(batch.get().size()).isEqualTo(2);
        assertThat(batch.get().bytes()).isLessThanOrEqualTo(oneRecord * 2 + 1);
        assertThat(batcher.pendingRecords()).isEqualTo(1);
    }

    @Test
    void lingerFlushesOnlyAfterTheFirstRecordHasWaitedLongEnough() {
        Batcher batcher = new Batcher(clock, SizeTarget.fixed(1000), 1 << 20, Duration.ofMillis(50));
        batcher.add(record(0, 0, 10));

        clock.advance(Duration.ofMillis(49));
        assertThat(batcher.pollDue()).isEmpty();
        assertThat(batcher.millisUntilDue()).isEqualTo(1);

        clock.advance(Duration.ofMillis(1));
        Optional<Batch> due = batcher.pollDue();
        assertThat(due).map(Batch::size).contains(1);
        assertThat(due.get().cutBySize()).as("closed by linger, not by size").isFalse();
        assertThat(batcher.millisUntilDue()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void sizeTargetChangesTakeEffectAtRunTime() {
        AtomicInteger target = new AtomicInteger(100);
        Batcher batcher = new Batcher(clock, target::get, 1 << 20, Duration.ofSeconds(10));
        batcher.add(record(0, 0, 10));
        batcher.add(record(0, 1, 10));

        target.set(3);

        assertThat(batcher.add(record(0, 2, 10))).map(Batch::size).contains(3);
    }

    @Test
    void discardDropsOnlyMatchingRecordsAndRecountsBytes() {
        Batcher batcher = new Batcher(clock, SizeTarget.fixed(1000), 1 << 20, Duration.ofSeconds(10));
        batcher.add(record(0, 0, 10));
        batcher.add(record(1, 0, 20));
        batcher.add(record(0, 1, 10));

        int dropped = batcher.discardIf(r -> r.partition() == 0);

        assertThat(dropped).isEqualTo(2);
        assertThat(batcher.pendingBytes()).isEqualTo(record(1, 0, 20).sizeInBytes());
        assertThat(batcher.drain()).map(b -> b.records().get(0).partition()).contains(1);
    }

    @Test
    void batchReportsLastOffsetPerPartition() {
        Batch batch = new Batch(List.of(record(0, 5, 1), record(1, 7, 1), record(0, 6, 1)), 3, false);

        assertThat(batch.lastOffsets())
                .hasSize(2)
                .containsEntry(new io.pgsink.model.PartitionRef("t", 0), 6L)
                .containsEntry(new io.pgsink.model.PartitionRef("t", 1), 7L);
    }
}
