package io.pgsink.batch;

import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable micro-batch: records in arrival order (so in offset order within each partition).
 *
 * @param cutBySize whether it was closed because it reached its size target or the byte cap, rather than by linger or
 *     a flush: a batch cut by size means records were waiting, which is what lets an adaptive target grow
 */
public record Batch(List<SinkRecord> records, long bytes, boolean cutBySize) {

    public Batch {
        records = List.copyOf(records);
    }

    public int size() {
        return records.size();
    }

    /** The highest offset per partition in this batch, in the order partitions first appear. */
    public Map<PartitionRef, Long> lastOffsets() {
        Map<PartitionRef, Long> last = new LinkedHashMap<>();
        for (OffsetRanges.Range range : OffsetRanges.of(records)) {
            last.put(new PartitionRef(range.topic(), range.partition()), range.last());
        }
        return last;
    }
}
