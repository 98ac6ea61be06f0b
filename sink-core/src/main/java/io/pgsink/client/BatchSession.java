package io.pgsink.client;

/**
 * One connection that runs batches one after another, like a single JDBC connection: a batch's results must be
 * closed before the next batch runs on it, and a second {@code execute} while they are open is refused with an
 * {@link IllegalStateException} instead of reaching the server as "connection busy". Close the session to return
 * the connection. Not thread safe: one per thread, or use {@link PgBatchClient#batch()} or a {@link
 * QueueingWriter} from many threads.
 */
public final class BatchSession implements AutoCloseable {

    private final BatchEngine engine;
    private final SessionLease lease;
    private BatchResult open;

    BatchSession(BatchEngine engine) {
        this.engine = engine;
        this.lease = new SessionLease(engine);
    }

    /** A new batch to run on this session's connection. */
    public BatchBuilder batch() {
        return new BatchBuilder(this::execute, null);
    }

    private BatchResult execute(java.util.List<Op> ops) {
        if (open != null && !open.isClosed()) {
            throw new IllegalStateException("connection busy: the previous batch's results on this session are"
                    + " still open; close them (try-with-resources) before executing another batch");
        }
        open = Execution.run(engine, ops, lease, () -> {});
        return open;
    }

    @Override
    public void close() {
        if (open != null) {
            open.close();
        }
        lease.close();
    }
}
