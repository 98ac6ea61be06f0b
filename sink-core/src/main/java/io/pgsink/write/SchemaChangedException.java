package io.pgsink.write;

/**
 * The table's schema is not the one the batch being written was decoded by: the batch's unwritten records are
 * decoded again by the new one. Thrown and caught only inside {@link BatchWriter#write}; unchecked because it
 * leaves any depth of bisection for the top of the batch, like an interrupt.
 */
final class SchemaChangedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SchemaChangedException() {
        super(null, null, false, false);
    }
}
