package io.pgsink.schema;

import io.pgsink.model.TableRef;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The columns and primary key of a target table, as the PostgreSQL catalog describes them ({@code pg.Catalog} reads them). */
public final class TableSchema {

    private final TableRef table;
    private final List<Column> columns;
    private final Map<String, Column> byName;
    private final List<String> primaryKey;

    public TableSchema(TableRef table, List<Column> columns, List<String> primaryKey) {
        this.table = table;
        this.columns = List.copyOf(columns);
        this.primaryKey = List.copyOf(primaryKey);
        this.byName = new HashMap<>();
        columns.forEach(c -> byName.put(c.name(), c));
    }

    public TableRef table() {
        return table;
    }

    public List<Column> columns() {
        return columns;
    }

    public Optional<Column> column(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<String> primaryKey() {
        return primaryKey;
    }
}
