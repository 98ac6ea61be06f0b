package io.pgsink;

/**
 * Told what a worker does, for metrics, tracing, audit and an application's own bookkeeping. Register one
 * programmatically (when starting a {@link SinkWorker}) or through
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/io.pgsink.SinkListener} entry on the class path).
 *
 * <p>Called on the worker's own threads (writer lanes and the poll thread), in the order things happen on each
 * thread: an implementation must be quick, thread safe and must not block. A listener never affects delivery:
 * whatever it throws is logged once per listener and event type and otherwise ignored, and the event it failed on
 * is already done (a {@link SinkEvent.BatchCommitted} is sent after the commit).
 */
@FunctionalInterface
public interface SinkListener {

    void onEvent(SinkEvent event);
}
