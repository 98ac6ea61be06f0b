package io.pgsink.write;

import io.pgsink.batch.OffsetRanges;
import io.pgsink.model.TraceParent;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.MDC;

/**
 * The logging context of one batch on its writer thread: every line logged while the batch is written carries
 * its route, table, partitions, offset ranges, batch id and trace id as MDC fields, which the JSON log format
 * writes as fields of their own. Opened and closed on the same thread; closing removes exactly what it set.
 */
final class BatchLogContext implements AutoCloseable {

    static final String ROUTE = "route";
    static final String TABLE = "table";
    static final String PARTITIONS = "partitions";
    static final String OFFSETS = "offsets";
    static final String BATCH_ID = "batch_id";
    static final String TRACE_ID = "trace_id";
    private static final List<String> KEYS = List.of(ROUTE, TABLE, PARTITIONS, OFFSETS, BATCH_ID, TRACE_ID);

    private BatchLogContext() {}

    static BatchLogContext open(
            String route, String table, long batchId, List<OffsetRanges.Range> ranges, TraceParent trace) {
        MDC.put(ROUTE, route);
        MDC.put(TABLE, table);
        MDC.put(PARTITIONS, ranges.stream().map(BatchLogContext::partition).collect(Collectors.joining(",")));
        MDC.put(OFFSETS, ranges.stream().map(BatchLogContext::range).collect(Collectors.joining(",")));
        MDC.put(BATCH_ID, Long.toString(batchId));
        MDC.put(TRACE_ID, trace.traceId());
        return new BatchLogContext();
    }

    @Override
    public void close() {
        KEYS.forEach(MDC::remove);
    }

    private static String partition(OffsetRanges.Range range) {
        return range.topic() + "-" + range.partition();
    }

    /** {@code topic-partition@first..last}, the coordinates form log lines use elsewhere. */
    private static String range(OffsetRanges.Range range) {
        return partition(range) + "@" + range.first() + ".." + range.last();
    }
}
