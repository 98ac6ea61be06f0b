package io.pgsink.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.SinkEvent;
import io.pgsink.batch.Batch;
import io.pgsink.batch.OffsetRanges;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TraceParent;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class LaneReportsTest {

    private final List<SinkEvent> seen = new CopyOnWriteArrayList<>();
    private final LaneReports reports =
            new LaneReports(new Counters(), new HealthState().lane(0), new Events(List.of(seen::add)), "r", "t");

    private final List<SinkRecord> records = List.of(
            record("a", 0, 10, "{\"id\":1}"),
            record("a", 1, 4, "{\"id\":2,\"x\":\"longer\"}"),
            record("a", 0, 11, "{\"id\":3}"));
    private final Batch batch = new Batch(
            records, records.stream().mapToLong(SinkRecord::sizeInBytes).sum(), false);

    @Test
    void aWholeBatchCommittedCarriesTheRangesAndBytesItStartedWith() {
        start();
        reports.batchCommitted(7, records, 3, 0, 0, 99);

        SinkEvent.BatchCommitted committed = committed();
        assertThat(committed.ranges())
                .containsExactly(new SinkEvent.OffsetRange("a", 0, 10, 11), new SinkEvent.OffsetRange("a", 1, 4, 4));
        assertThat(committed.bytes()).isEqualTo(batch.bytes());
        assertThat(committed.rows()).isEqualTo(3);
        assertThat(committed.txid()).isEqualTo(99);
    }

    @Test
    void aBatchThatLostAPartitionCarriesTheRangesAndBytesOfWhatItCommitted() {
        start();
        List<SinkRecord> kept = List.of(records.get(0), records.get(2)); // partition 1 moved to another worker
        reports.batchCommitted(7, kept, 2, 0, 0, 99);

        SinkEvent.BatchCommitted committed = committed();
        assertThat(committed.ranges()).containsExactly(new SinkEvent.OffsetRange("a", 0, 10, 11));
        assertThat(committed.bytes())
                .isEqualTo(records.get(0).sizeInBytes() + records.get(2).sizeInBytes());
    }

    private void start() {
        reports.started(7, batch, OffsetRanges.of(records), TraceParent.newRoot(new SplittableRandom(1)));
    }

    private SinkEvent.BatchCommitted committed() {
        return seen.stream()
                .filter(SinkEvent.BatchCommitted.class::isInstance)
                .map(SinkEvent.BatchCommitted.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private static SinkRecord record(String topic, int partition, long offset, String value) {
        return new SinkRecord(
                topic,
                partition,
                offset,
                1_000L,
                null,
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                List.of());
    }
}
