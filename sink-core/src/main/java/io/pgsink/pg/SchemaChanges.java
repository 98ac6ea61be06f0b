package io.pgsink.pg;

import io.pgsink.schema.Column;
import io.pgsink.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What differs between two readings of a table's schema, in words for the log. */
final class SchemaChanges {

    private SchemaChanges() {}

    /** The differences, e.g. {@code added column note (text); column qty: integer -> bigint}; empty if none. */
    static String describe(TableSchema before, TableSchema after) {
        List<String> changes = new ArrayList<>();
        for (Column now : after.columns()) {
            Optional<Column> then = before.column(now.name());
            if (then.isEmpty()) {
                changes.add("added column " + now.name() + " (" + now.sqlType() + ")");
            } else if (!then.get().sqlType().equals(now.sqlType()) || then.get().type() != now.type()) {
                changes.add("column " + now.name() + ": " + then.get().sqlType() + " -> " + now.sqlType());
            } else if (then.get().notNull() != now.notNull()) {
                changes.add("column " + now.name() + (now.notNull() ? ": now NOT NULL" : ": NOT NULL dropped"));
            } else if (then.get().index() != now.index()) {
                changes.add("column " + now.name() + " moved");
            }
        }
        for (Column then : before.columns()) {
            if (after.column(then.name()).isEmpty()) {
                changes.add("dropped column " + then.name());
            }
        }
        if (!before.primaryKey().equals(after.primaryKey())) {
            changes.add("primary key " + before.primaryKey() + " -> " + after.primaryKey());
        }
        return String.join("; ", changes);
    }
}
