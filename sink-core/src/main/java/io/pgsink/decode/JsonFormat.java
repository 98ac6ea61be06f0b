package io.pgsink.decode;

import io.pgsink.model.SinkRecord;
import java.util.List;

/**
 * Schemaless JSON objects ({@link io.pgsink.config.InputFormat#JSON}): the record value is the flat object itself and passes on as the
 * same bytes, unread (the table's column types drive conversion later). The key is the record key when it is a
 * JSON object; a key of any other kind (a string, a number, not JSON) is left to the route's key mapping, which
 * may read it from the record. A tombstone is a delete by that key. Thread safe.
 */
final class JsonFormat implements RecordFormat {

    @Override
    public Change read(SinkRecord record) {
        byte[] key = FormatJson.isObject(record.key()) ? record.key() : null;
        if (record.value() == null) {
            return new Change(Operation.DELETE, null, key, List.of());
        }
        return new Change(Operation.WRITE, record.value(), key, List.of());
    }
}
