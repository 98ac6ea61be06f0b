package io.pgsink.batch;

import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable micro-batch: records in arrival order (so in offset order within each partition).
 *
 * @param full whether it was closed because it reached its size target or the byte cap, rather than by linger or
 *     a flush: a full batch means records were waiting, which is what lets an adaptive target grow
 */
public record Batch(List<SinkRecord> records, long bytes, boolean full) {

    public Batch {
        records = List.copyOf(records);
    }

    public int size() {
        return records.size();
    }

    /** The highest offset per partition in this batch. */
    public Map<PartitionRef, Long> lastOffsets() {
        Map<PartitionRef, Long> last = new LinkedHashMap<>();
        for (SinkRecord record : records) {
            last.merge(record.partitionRef(), record.offset(), Math::max);
        }
        return last;
    }
}
