package io.pgsink.config;

/**
 * What happens to an input field that has no matching column, set by {@code input.unknown.fields}.
 *
 * <p>Configured as the lower-case name ({@code ignore}, {@code reject}); matching ignores case.
 */
public enum UnknownFieldPolicy {
    /** Drop the field and write the rest of the record. */
    IGNORE,
    /** Treat the record as unmappable input: it is dead-lettered, the rest of its batch is written. */
    REJECT
}
