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

    /** The highest offset per partition in this batch. */
    public Map<PartitionRef, Long> lastOffsets() {
        Map<PartitionRef, Long> last = new LinkedHashMap<>();
        // Records come in runs per partition (one poll's records of a partition are adjacent): one map update per
        // run, not per record.
        SinkRecord run = null;
        long runMax = 0;
        for (SinkRecord record : records) {
            if (run != null
                    && (run.partition() != record.partition() || !run.topic().equals(record.topic()))) {
                last.merge(run.partitionRef(), runMax, Math::max);
                run = null;
            }
            if (run == null) {
                run = record;
                runMax = record.offset();
            } else {
                runMax = Math.max(runMax, record.offset());
            }
        }
        if (run != null) {
            last.merge(run.partitionRef(), runMax, Math::max);
        }
        return last;
    }
}
