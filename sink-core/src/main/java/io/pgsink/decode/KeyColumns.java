package io.pgsink.decode;

import io.pgsink.config.KeySource;
import io.pgsink.config.Mapping;
import io.pgsink.config.Route;
import io.pgsink.schema.TableSchema;
import java.util.List;

/** The columns that identify a route's rows: what upserts, updates and deletes match on. */
public final class KeyColumns {

    private KeyColumns() {}

    /**
     * The route's key column names: those it lists; otherwise, for {@link KeySource#COORDINATES}, the columns
     * the topic, partition and offset are written to ({@link #coordinates}); otherwise the table's primary key.
     */
    public static List<String> names(Route route, TableSchema schema) {
        if (!route.keyColumns().isEmpty()) {
            return route.keyColumns();
        }
        if (route.keySource() == KeySource.COORDINATES) {
            return coordinates(route.mapping());
        }
        return schema.primaryKey();
    }

    /**
     * The columns that receive a record's topic, partition and offset under {@link KeySource#COORDINATES}: the
     * mapping's metadata columns for them, or else the columns named {@code topic}, {@code partition} and
     * {@code offset}.
     */
    public static List<String> coordinates(Mapping mapping) {
        return List.of(
                mapping.metadataColumns().getOrDefault("topic", "topic"),
                mapping.metadataColumns().getOrDefault("partition", "partition"),
                mapping.metadataColumns().getOrDefault("offset", "offset"));
    }
}
