package io.pgsink.worker;

import io.pgsink.batch.Batcher;
import io.pgsink.write.BatchWriter;

/**
 * The part of a writer lane that belongs to one route's table: its batcher and its writer. Batches never mix
 * tables, and a partition's records always reach the same one (a topic has one route and one table), so per
 * partition order holds. A table whose writing failed, or that could not be opened, stops on its own: its
 * partitions are paused and uncommitted while the lane's other tables go on.
 */
final class LaneTable {

    private final String route;
    private final String table;
    private final Batcher batcher;
    private final BatchWriter writer;
    private volatile String failure;

    LaneTable(String route, String table, Batcher batcher, BatchWriter writer) {
        this.route = route;
        this.table = table;
        this.batcher = batcher;
        this.writer = writer;
    }

    /** A table that cannot be written at all (not found, no usable key): every record of it stays uncommitted. */
    static LaneTable failed(String route, String table, String why) {
        LaneTable stopped = new LaneTable(route, table, null, null);
        stopped.failure = why;
        return stopped;
    }

    String route() {
        return route;
    }

    String table() {
        return table;
    }

    Batcher batcher() {
        return batcher;
    }

    BatchWriter writer() {
        return writer;
    }

    boolean failed() {
        return failure != null;
    }

    String failure() {
        return failure;
    }

    void fail(String why) {
        failure = why;
    }

    /** "route orders, table public.orders", for health and logs. */
    String describe() {
        return "route " + route + ", table " + table;
    }
}
