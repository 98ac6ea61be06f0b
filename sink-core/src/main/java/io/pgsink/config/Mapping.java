package io.pgsink.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a route's record fields become columns. Applied after the format has produced a flat object (a JSON value,
 * a Connect payload, a change event's after-image).
 *
 * @param include fields to keep; empty keeps every field
 * @param exclude fields to drop (applied after {@code include})
 * @param rename field name to column name, before the naming convention (a renamed field is not converted)
 * @param paths column name to a dotted path into the value ({@code customer.address.city}); the field at the end
 *     of the path is written to the column
 * @param valueColumn a json/jsonb column that receives the whole value (the after-image for change events), or
 *     {@code null}
 * @param metadataColumns Kafka metadata to column: keys are {@code topic}, {@code partition}, {@code offset},
 *     {@code timestamp}, {@code key}
 * @param headerColumns record header name to column (the header's value as UTF-8 text)
 * @param naming how the remaining field names find their columns
 */
public record Mapping(
        Set<String> include,
        Set<String> exclude,
        Map<String, String> rename,
        Map<String, String> paths,
        String valueColumn,
        Map<String, String> metadataColumns,
        Map<String, String> headerColumns,
        NamingConvention naming) {

    /** The Kafka metadata that {@link #metadataColumns} can name. */
    public static final List<String> METADATA = List.of("topic", "partition", "offset", "timestamp", "key");

    public Mapping {
        include = Set.copyOf(include);
        exclude = Set.copyOf(exclude);
        rename = Map.copyOf(rename);
        paths = Map.copyOf(paths);
        metadataColumns = Map.copyOf(metadataColumns);
        headerColumns = Map.copyOf(headerColumns);
    }

    /** Every field to the column of the same name: what pgsink did before mappings existed. */
    public static Mapping identity() {
        return new Mapping(Set.of(), Set.of(), Map.of(), Map.of(), null, Map.of(), Map.of(), NamingConvention.EXACT);
    }

    public boolean isIdentity() {
        return equals(identity());
    }
}
