package io.pgsink.pg;

import io.pgsink.decode.Change;
import io.pgsink.schema.SchemaException;
import java.util.regex.Pattern;

/**
 * A column that schema evolution creates: its name and PostgreSQL type, from a record's schema ({@link
 * Change.Field}) or from a route's {@code declared.columns}. The type is written into DDL as text, so only type
 * names are accepted (letters, digits, spaces, underscores, dots, parentheses, commas, brackets): nothing that
 * could end the statement or start a comment.
 *
 * @param notNull only for key columns of a created table; an added column is always nullable
 */
record ColumnDefinition(String name, String type, boolean notNull) {

    private static final Pattern TYPE = Pattern.compile("[A-Za-z_][A-Za-z0-9_ .,()\\[\\]]*");

    ColumnDefinition {
        if (name.isEmpty()) {
            throw new SchemaException("a column needs a name");
        }
        String problem = typeProblem(type);
        if (problem != null) {
            throw new SchemaException("column \"" + name + "\": " + problem);
        }
    }

    /** The field's column: nullable, of the type its schema gives. */
    static ColumnDefinition of(Change.Field field) {
        return new ColumnDefinition(field.name(), field.postgresType(), false);
    }

    /**
     * One entry of {@code declared.columns}: {@code name type}, e.g. {@code amount numeric(10,2)}. The name is taken
     * as written (case kept), like every other column name pgsink is given.
     */
    static ColumnDefinition parse(String declaration) {
        String[] parts = declaration.strip().split("\\s+", 2);
        if (parts.length < 2) {
            throw new SchemaException("\"" + declaration + "\" is not \"name type\"");
        }
        return new ColumnDefinition(parts[0], parts[1].strip(), false);
    }

    /** Why {@code type} is not accepted as a column type, or null. */
    static String typeProblem(String type) {
        if (type == null || !TYPE.matcher(type).matches()) {
            return "type \"" + type + "\" is not a PostgreSQL type name (letters, digits, spaces, _ . , ( ) [ ] only)";
        }
        return null;
    }

    ColumnDefinition asKey() {
        return new ColumnDefinition(name, type, true);
    }
}
