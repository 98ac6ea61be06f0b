package io.pgsink.deadletter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The header contract of the dead-letter topic: every header pgsink adds starts with {@link #PREFIX}; the
 * record's own headers come first, unchanged.
 */
public final class DeadLetterHeaders {

    public static final String PREFIX = "pgsink.error.";
    public static final String TOPIC = PREFIX + "topic";
    public static final String PARTITION = PREFIX + "partition";
    public static final String OFFSET = PREFIX + "offset";
    public static final String TIMESTAMP = PREFIX + "timestamp";
    public static final String GROUP = PREFIX + "group";
    public static final String KIND = PREFIX + "kind";
    public static final String SQLSTATE = PREFIX + "sqlstate";
    public static final String TABLE = PREFIX + "table";
    public static final String COLUMN = PREFIX + "column";
    public static final String CONSTRAINT = PREFIX + "constraint";
    public static final String EXCEPTION = PREFIX + "exception";
    public static final String MESSAGE = PREFIX + "message";
    public static final String ATTEMPTS = PREFIX + "attempts";
    public static final String WORKER = PREFIX + "worker";
    /**
     * The dead letter's stable identity, {@code <group>/<topic>/<partition>/<offset>}: the same record rejected
     * twice (a batch replayed after a crash) carries the same id, so a reader can drop the duplicate.
     */
    public static final String ID = PREFIX + "id";
    /** The trace id of the batch that rejected the record: find its log lines and its span by it. */
    public static final String TRACE_ID = PREFIX + "trace.id";
    /** {@code true} when the broker refused the record's size and the value was left out; absent otherwise. */
    public static final String VALUE_OMITTED = PREFIX + "value.omitted";
    /** The size in bytes of the value that was left out; read it again from the source topic's coordinates. */
    public static final String VALUE_SIZE = PREFIX + "value.size";

    private final String group;
    private final String workerId;

    public DeadLetterHeaders(String group, String workerId) {
        this.group = group;
        this.workerId = workerId;
    }

    /** The pgsink headers for one rejection, in a stable order; absent facts are left out. */
    Map<String, String> describe(Rejection r) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(
                ID,
                group + "/" + r.record().topic() + "/" + r.record().partition() + "/"
                        + r.record().offset());
        h.put(TOPIC, r.record().topic());
        h.put(PARTITION, Integer.toString(r.record().partition()));
        h.put(OFFSET, Long.toString(r.record().offset()));
        h.put(TIMESTAMP, Long.toString(r.record().timestamp()));
        h.put(GROUP, group);
        h.put(KIND, r.kind().name());
        putIfPresent(h, SQLSTATE, r.sqlState());
        putIfPresent(h, TABLE, r.table());
        putIfPresent(h, COLUMN, r.column());
        putIfPresent(h, CONSTRAINT, r.constraint());
        h.put(EXCEPTION, r.exceptionClass());
        h.put(MESSAGE, r.reason());
        h.put(ATTEMPTS, Integer.toString(r.attempts()));
        h.put(WORKER, workerId);
        putIfPresent(h, TRACE_ID, r.traceId());
        return h;
    }

    /** {@link #describe}, for a dead letter sent without its value because the broker refused its size. */
    Map<String, String> describeWithoutValue(Rejection r) {
        Map<String, String> h = describe(r);
        h.put(VALUE_OMITTED, "true");
        h.put(
                VALUE_SIZE,
                Integer.toString(r.record().value() == null ? 0 : r.record().value().length));
        return h;
    }

    private static void putIfPresent(Map<String, String> headers, String key, String value) {
        if (value != null) {
            headers.put(key, value);
        }
    }
}
