package io.pgsink.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.batch.AdaptiveSizeTarget;
import io.pgsink.batch.Batch;
import io.pgsink.batch.Batcher;
import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import io.pgsink.write.BatchWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class PipelineTest {

    private static final PartitionRef P0 = new PartitionRef("events", 0);
    private static final PartitionRef P1 = new PartitionRef("events", 1);

    @Test
    void offsetsOfPartitionsThatMovedWhileTheirBatchWasInFlightAreNotHandled() throws InterruptedException {
        ConcurrentLinkedQueue<Lane.Completion> completions = new ConcurrentLinkedQueue<>();
        Batcher batcher = new Batcher(
                Clock.systemUTC(),
                new AdaptiveSizeTarget(Clock.systemUTC(), 100, 100, Duration.ofMillis(250)),
                1 << 20,
                Duration.ofMillis(20));
        // The writer is never asked to write here; closing it (lane.stop) touches nothing.
        Lane lane = new Lane(
                0,
                topic -> new LaneTable("default", "t", batcher, new BatchWriter(null, null, null, null)),
                100,
                completions,
                new HealthState(),
                new Ownership());
        Ownership ownership = new Ownership();
        Pipeline pipeline = new Pipeline(
                List.of(lane),
                completions,
                1 << 20,
                new HealthState(),
                ownership,
                new Claims(null, "test", ownership),
                new Events(List.of()));
        List<SinkRecord> records = new ArrayList<>();
        for (int offset = 0; offset < 10; offset++) {
            records.add(new SinkRecord("events", offset % 2, offset, 0L, null, new byte[1], List.of()));
        }

        Batch batch = new Batch(records, 10, false);
        completions.add(new Lane.Completion(lane, batch, batch.lastOffsets(), Set.of(P1)));

        assertThat(pipeline.takeHandled()).containsOnlyKeys(P0).containsEntry(P0, 8L);
        lane.stop();
        lane.awaitStopped(Duration.ofSeconds(5));
    }
}
