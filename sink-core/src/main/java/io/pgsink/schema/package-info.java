/**
 * The shape of a target table as the PostgreSQL catalog describes it: columns, their types and the primary key.
 * Pure values shared by decoding and SQL generation; the catalog is read in {@code pg}. JDK only.
 */
package io.pgsink.schema;
