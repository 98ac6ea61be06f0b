package io.pgsink.client;

import java.util.List;

/**
 * The outcomes of a committed batch, one per operation in operation order. It holds the batch's connection until
 * it is closed: close it (try-with-resources), or the connection is not free for another batch. {@link
 * #processAll} hands each outcome not yet processed to a processor; when the processor throws, the rest are
 * skipped and the result can still be closed. Not thread safe.
 */
public final class BatchResult implements AutoCloseable {

    private final List<Outcome> outcomes;
    private final BatchSummary summary;
    private final Runnable release;
    private int next;
    private boolean closed;

    BatchResult(List<Outcome> outcomes, BatchSummary summary, Runnable release) {
        this.outcomes = List.copyOf(outcomes);
        this.summary = summary;
        this.release = release;
    }

    /**
     * Hands every outcome not yet processed to {@code processor}, in operation order.
     *
     * @throws ProcessingException when the processor throws; the outcomes after it are skipped
     * @throws IllegalStateException when the result is closed
     */
    public void processAll(OutcomeProcessor processor) {
        requireOpen();
        while (next < outcomes.size()) {
            Outcome outcome = outcomes.get(next++);
            try {
                processor.process(outcome.index(), outcome);
            } catch (Exception e) {
                next = outcomes.size();
                throw new ProcessingException(outcome.index(), e);
            }
        }
    }

    /** Every outcome, in operation order. */
    public List<Outcome> outcomes() {
        requireOpen();
        return outcomes;
    }

    public BatchSummary summary() {
        return summary;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Frees the batch's connection; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            next = outcomes.size();
            release.run();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("batch results are closed");
        }
    }
}
