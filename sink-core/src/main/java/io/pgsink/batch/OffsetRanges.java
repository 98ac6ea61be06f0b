package io.pgsink.batch;

import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The first and last offset of each partition's records in a batch: its last offsets, events and the audit trail. */
public final class OffsetRanges {

    /** One partition's records in a batch: offsets {@code first} to {@code last}, both included. */
    public record Range(String topic, int partition, long first, long last) {}

    private OffsetRanges() {}

    /** In the order partitions first appear in {@code records}. */
    public static List<Range> of(List<SinkRecord> records) {
        // Records come in runs per partition (one poll's records of a partition are adjacent): one map update per
        // run, and no allocation per record.
        Map<PartitionRef, long[]> bounds = new LinkedHashMap<>();
        SinkRecord run = null;
        long first = 0;
        long last = 0;
        for (SinkRecord r : records) {
            if (run != null && (run.partition() != r.partition() || !run.topic().equals(r.topic()))) {
                widen(bounds, run, first, last);
                run = null;
            }
            if (run == null) {
                run = r;
                first = r.offset();
                last = r.offset();
            } else {
                first = Math.min(first, r.offset());
                last = Math.max(last, r.offset());
            }
        }
        if (run != null) {
            widen(bounds, run, first, last);
        }
        List<Range> ranges = new ArrayList<>(bounds.size());
        bounds.forEach((p, b) -> ranges.add(new Range(p.topic(), p.partition(), b[0], b[1])));
        return ranges;
    }

    private static void widen(Map<PartitionRef, long[]> bounds, SinkRecord run, long first, long last) {
        long[] b = bounds.get(run.partitionRef());
        if (b == null) {
            bounds.put(run.partitionRef(), new long[] {first, last});
        } else {
            b[0] = Math.min(b[0], first);
            b[1] = Math.max(b[1], last);
        }
    }

    /** As a JSON array of {@code {"topic","partition","first","last"}} objects. */
    public static String json(List<Range> ranges) {
        StringBuilder json = new StringBuilder("[");
        for (Range r : ranges) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("{\"topic\":\"")
                    .append(escape(r.topic()))
                    .append("\",\"partition\":")
                    .append(r.partition())
                    .append(",\"first\":")
                    .append(r.first())
                    .append(",\"last\":")
                    .append(r.last())
                    .append('}');
        }
        return json.append(']').toString();
    }

    // Kafka topic names are [a-zA-Z0-9._-]; escaping anyway keeps the JSON valid whatever a topic is called.
    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
