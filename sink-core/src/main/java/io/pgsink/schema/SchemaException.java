package io.pgsink.schema;

/**
 * The target table does not fit the configuration (missing table, missing key columns). Fatal: no record can be
 * written until an operator changes the table or the settings.
 */
public final class SchemaException extends RuntimeException {

    public SchemaException(String message) {
        super(message);
    }
}
