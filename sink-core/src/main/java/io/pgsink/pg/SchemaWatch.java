package io.pgsink.pg;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides when a table's catalog is read again while the worker runs. Signs that the table changed: a record
 * carries a field the cached schema has no column for, or a value fails the cached column's type. A sign not seen
 * since the worker started (a new field name, a column failing for the first time) asks for a refresh at once;
 * that happens once per name, so it costs little even for a stream with many distinct extra fields (and stops
 * after {@link #MAX_NAMES}). A sign seen before (a field that is routinely ignored, a column that routinely gets
 * bad values) asks again at most once per {@link #RECHECK}: a column added for a field the producer already sent
 * is noticed within that time. Pure apart from the injected clock; thread safe (decoder threads report, writer
 * threads ask).
 */
final class SchemaWatch {

    /** How often signs seen before may ask for another read of the catalog. */
    static final Duration RECHECK = Duration.ofSeconds(5);
    /** Most distinct field names and columns remembered; past that, new ones count as seen before. */
    static final int MAX_NAMES = 1_000;

    private final Clock clock;
    private final Set<String> fields = ConcurrentHashMap.newKeySet();
    private final Set<String> columns = ConcurrentHashMap.newKeySet();
    private volatile boolean newSign;
    private volatile boolean oldSign;
    private volatile long lastRefresh;

    SchemaWatch(Clock clock) {
        this.clock = clock;
        this.lastRefresh = clock.millis(); // the schema was just read
    }

    /** A record had a field with no column of that name. */
    void unknownField(String name) {
        sign(fields, name);
    }

    /** A value did not fit the cached type of this column. */
    void failedColumn(String column) {
        sign(columns, column);
    }

    private void sign(Set<String> seen, String name) {
        if (seen.contains(name) || seen.size() >= MAX_NAMES || !seen.add(name)) {
            if (!oldSign) {
                oldSign = true; // read first: the usual case writes nothing, every record
            }
        } else {
            newSign = true;
        }
    }

    /** Whether the catalog should be read now. */
    boolean due() {
        return newSign || (oldSign && clock.millis() - lastRefresh >= RECHECK.toMillis());
    }

    /** Call before reading the catalog: signs reported from now on ask for the next read. */
    void refreshing() {
        newSign = false;
        oldSign = false;
        lastRefresh = clock.millis();
    }

    /** The read failed: ask again with the next batch. */
    void refreshFailed() {
        newSign = true;
    }
}
