package io.pgsink.decode;

/**
 * A record that can never be written as it is: not JSON, not an object, or a value that does not fit its column.
 * The message names the column and the expected type but never contains the value itself.
 */
public final class DecodeException extends Exception {

    private final String column;

    public DecodeException(String column, String message) {
        super(message);
        this.column = column;
    }

    /** The column the bad value was meant for, or {@code null} when the record as a whole is bad. */
    public String column() {
        return column;
    }
}
