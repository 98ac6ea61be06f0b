package io.pgsink.tools.bench;

import io.pgsink.client.BatchBuilder;
import io.pgsink.client.BatchResult;
import io.pgsink.client.BatchSummary;
import io.pgsink.client.Outcome;
import io.pgsink.client.PgBatchClient;
import io.pgsink.client.QueueingWriter;
import io.pgsink.config.WriteMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The library benchmark's rows written through pgsink's library API ({@code io.pgsink.client}): the batch builder,
 * a fixed number of inserts per {@code execute}, and the queueing writer fed by one or several threads. Each
 * variant builds its own client (with its own pool) and closes it before the rows are counted.
 */
final class ClientLoads {

    private final BenchDatabase database;

    ClientLoads(BenchDatabase database) {
        this.database = database;
    }

    /** {@code client.batch()} of {@code perExecute} inserts, executed and its results closed, until {@code rows}. */
    void builder(int rows, int perExecute, WriteMethod method) {
        try (PgBatchClient client = client(method)) {
            for (int from = 0; from < rows; from += perExecute) {
                BatchBuilder batch = client.batch();
                for (int id = from; id < Math.min(rows, from + perExecute); id++) {
                    batch.insert(LibraryRows.TABLE, LibraryRows.order(id).columns());
                }
                try (BatchResult result = batch.execute()) {
                    requireNoFailure(result.summary());
                }
            }
        }
    }

    /**
     * One queueing writer (its defaults: adaptive batches of 100 to 50,000, 100,000 queued at most, callers
     * blocking when full) fed by {@code threads} threads, each inserting every {@code threads}-th id; done when
     * the writer's {@code close} returned, which is after every queued operation was written.
     */
    void queueing(int rows, int threads) throws InterruptedException {
        LongAdder failed = new LongAdder();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        try (PgBatchClient client = client(WriteMethod.COPY)) {
            QueueingWriter writer = client.queueingWriter().build();
            List<Thread> feeders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                Thread feeder = new Thread(
                        () -> {
                            for (int id = first; id < rows; id += threads) {
                                writer.insert(
                                                LibraryRows.TABLE,
                                                LibraryRows.order(id).columns())
                                        .whenComplete((outcome, e) -> {
                                            if (e != null || !outcome.ok()) {
                                                failed.increment();
                                                firstFailure.compareAndSet(null, failure(outcome, e));
                                            }
                                        });
                            }
                        },
                        "bench-feeder-" + t);
                feeder.start();
                feeders.add(feeder);
            }
            for (Thread feeder : feeders) {
                feeder.join();
            }
            writer.close();
        }
        if (failed.sum() > 0) {
            throw new IllegalStateException(failed.sum() + " queued inserts failed", firstFailure.get());
        }
    }

    private static Throwable failure(Outcome outcome, Throwable e) {
        return e != null ? e : new IllegalStateException(String.valueOf(outcome.failure()));
    }

    private PgBatchClient client(WriteMethod method) {
        return PgBatchClient.builder(
                        database.server().jdbcUrl(),
                        database.server().user(),
                        database.server().password())
                .writeMethod(method)
                .build();
    }

    private static void requireNoFailure(BatchSummary summary) {
        if (summary.failed() > 0) {
            throw new IllegalStateException(summary.failed() + " of " + summary.operations()
                    + " inserts failed, the first: " + summary.failures().get(0).failure());
        }
    }
}
