package io.pgsink.client;

import io.pgsink.model.TableRef;
import java.util.List;
import java.util.Map;

/**
 * One operation as the builder took it.
 *
 * @param values the columns to write (INSERT, UPSERT, UPDATE); empty for DELETE and SQL
 * @param key the key to match (UPDATE, DELETE), or empty
 * @param keyColumns UPSERT's conflict key (empty: the primary key); UPDATE's and DELETE's are {@code key}'s names
 * @param sql the statement of a SQL operation, with its parameters
 */
record Op(
        OperationKind kind,
        TableRef table,
        Map<String, Object> values,
        Map<String, Object> key,
        List<String> keyColumns,
        String sql,
        List<Object> parameters) {

    String tableName() {
        return table == null ? null : table.toString();
    }

    /** How the operation is described in a message: never its values. */
    String describe(int index) {
        return "operation " + index + " (" + kind.name().toLowerCase(java.util.Locale.ROOT)
                + (table == null ? "" : " " + table) + ")";
    }
}
