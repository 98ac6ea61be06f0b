package io.pgsink.tools.bench;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import io.pgsink.config.WriteMethod;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library API against plain JDBC (issue 13): the same rows into the same table (bigint key, text, numeric,
 * timestamptz, jsonb, uuid), emptied and checkpointed before each variant, written by a JDBC loop, a JDBC batch,
 * pgsink's batch builder and its queueing writer, one after the other in this JVM; every variant's rows are
 * counted afterwards and a wrong count fails the bench.
 */
final class LibraryRun {

    private static final Logger LOG = LoggerFactory.getLogger(LibraryRun.class);
    /** The reference that writes nothing: what making the rows costs. */
    static final String MAKE_ROWS = "make_rows";
    /** The variant the speed-ups are taken against. */
    static final String BASELINE = "jdbc_loop";
    /** The naive baseline, on a sample of the rows. */
    static final String AUTOCOMMIT = "jdbc_loop_autocommit";

    /** Writes ids {@code [0, rows)} into the library table. */
    @FunctionalInterface
    interface Load {
        void write(int rows) throws Exception;
    }

    /**
     * One variant measured.
     *
     * @param rows rows written and counted (made only, for {@link #MAKE_ROWS})
     * @param peakHeapBytes the most heap in use in this JVM while it ran, sampled every 10 ms, garbage included
     * @param maxHeapAfterGcBytes the most heap in use right after a collection while it ran (0: none ran)
     */
    record Result(
            String name, String description, long rows, double seconds, long peakHeapBytes, long maxHeapAfterGcBytes) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    private record Variant(String name, String description, int rows, Load load) {}

    private final BenchDatabase database;
    private final int rows;
    private final int sample;

    LibraryRun(BenchDatabase database, BenchOptions options) {
        this.database = database;
        this.rows = options.records();
        this.sample = options.rowByRowSample();
    }

    List<Result> measure() throws Exception {
        database.execute("DROP TABLE IF EXISTS " + LibraryRows.TABLE, LibraryRows.createTable());
        List<Result> results = new ArrayList<>();
        results.add(timed(
                new Variant(MAKE_ROWS, "making the rows only, no database (in every row below)", rows, this::make)));
        for (Variant variant : variants()) {
            database.execute("TRUNCATE " + LibraryRows.TABLE, "CHECKPOINT");
            Result result = timed(variant);
            long counted = database.count(LibraryRows.TABLE);
            if (counted != variant.rows()) {
                throw new IllegalStateException(
                        variant.name() + " left " + counted + " rows in the table, not " + variant.rows());
            }
            results.add(result);
        }
        database.drop(LibraryRows.TABLE);
        return results;
    }

    /** Variant names are the JSON keys; the plain loop first, the ratios are taken against it. */
    private List<Variant> variants() {
        JdbcLoads jdbc = new JdbcLoads(database);
        ClientLoads client = new ClientLoads(database);
        List<Variant> variants = new ArrayList<>();
        variants.add(
                new Variant(BASELINE, "JDBC loop: INSERT per row, commit per 1,000", rows, n -> jdbc.loop(n, false)));
        variants.add(new Variant(
                AUTOCOMMIT,
                String.format("JDBC loop, autocommit (sample of %,d)", sample),
                sample,
                n -> jdbc.loop(n, true)));
        variants.add(new Variant(
                "jdbc_batch", "JDBC batch of 1,000, reWriteBatchedInserts, commit each", rows, jdbc::batch));
        for (int perExecute : List.of(10_000, 50_000)) {
            variants.add(new Variant(
                    "builder_copy_" + perExecute,
                    String.format("client.batch(), %,d inserts/execute, COPY", perExecute),
                    rows,
                    n -> client.builder(n, perExecute, WriteMethod.COPY)));
        }
        variants.add(new Variant(
                "builder_batch_10000",
                "client.batch(), 10,000 inserts/execute, JDBC batches",
                rows,
                n -> client.builder(n, 10_000, WriteMethod.BATCH)));
        for (int threads : List.of(1, 8)) {
            variants.add(new Variant(
                    "queueing_" + threads,
                    "queueing writer, COPY, fed by " + threads + " thread(s)",
                    rows,
                    n -> client.queueing(n, threads)));
        }
        return variants;
    }

    /** What making the rows costs on its own: part of every variant's time. */
    private void make(int count) {
        long sum = 0;
        for (int id = 0; id < count; id++) {
            sum += LibraryRows.order(id).columns().size();
        }
        if (sum != 6L * count) {
            throw new IllegalStateException("rows without their six columns");
        }
    }

    private static Result timed(Variant variant) throws Exception {
        LOG.info("library: {}", variant.description());
        System.gc(); // so the heap peak is the variant's own, not the previous one's garbage
        try (HeapPeak heap = HeapPeak.start()) {
            long start = System.nanoTime();
            variant.load().write(variant.rows());
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info("library: {} rows/s", Math.round(variant.rows() / seconds));
            return new Result(
                    variant.name(), variant.description(), variant.rows(), seconds, heap.peak(), heap.afterGc());
        }
    }

    /**
     * The most heap in use while it runs, and the most left in use right after a collection (an upper bound of the
     * live set), sampled on a daemon thread.
     */
    private static final class HeapPeak implements AutoCloseable {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final List<GarbageCollectorMXBean> collectors =
                ManagementFactory.getPlatformMXBeans(GarbageCollectorMXBean.class);
        private final AtomicLong peak = new AtomicLong();
        private final AtomicLong afterGc = new AtomicLong();
        /** Collections before the variant started (the explicit one included) do not count. */
        private final long[] countsAtStart = collectors.stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount)
                .toArray();

        private final Thread sampler = new Thread(this::sample, "bench-heap-sampler");

        static HeapPeak start() {
            HeapPeak heap = new HeapPeak();
            heap.sampler.setDaemon(true);
            heap.sampler.start();
            return heap;
        }

        private void sample() {
            while (!Thread.currentThread().isInterrupted()) {
                peak();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long peak() {
            for (int i = 0; i < collectors.size(); i++) {
                GcInfo last = collectors.get(i).getLastGcInfo();
                if (last != null && last.getId() > countsAtStart[i]) {
                    long used = last.getMemoryUsageAfterGc().values().stream()
                            .mapToLong(MemoryUsage::getUsed)
                            .sum();
                    afterGc.accumulateAndGet(used, Math::max);
                }
            }
            return peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        }

        long afterGc() {
            return afterGc.get();
        }

        @Override
        public void close() throws InterruptedException {
            sampler.interrupt();
            sampler.join();
        }
    }
}
