package io.pgsink.write;

import io.pgsink.pg.AuditTrail;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Where a writer's batches belong: the route they are written for, the source of batch ids (unique within the
 * worker, shared by its lanes) and the audit trail, if one is kept.
 *
 * @param audit the audit trail, or null when none is kept ({@code audit.table} empty)
 */
public record WriteContext(String route, LongSupplier batchIds, AuditTrail audit) {

    /** The route of a single-table configuration. */
    public static final String DEFAULT_ROUTE = "default";

    /** One writer on its own: the default route, its own batch ids, no audit. */
    public static WriteContext standalone() {
        AtomicLong ids = new AtomicLong();
        return new WriteContext(DEFAULT_ROUTE, ids::incrementAndGet, null);
    }
}
