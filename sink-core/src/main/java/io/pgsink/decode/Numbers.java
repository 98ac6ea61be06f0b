package io.pgsink.decode;

import io.pgsink.schema.Column;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Range checks for numbers, made on a number's digits and exponent before it is expanded. A {@link BigDecimal}
 * holds {@code 1e2147483647} in a few bytes, but its plain text would be two billion digits, and turning
 * {@code 1e100000000} into an integer computes ten to the hundred millionth first: every check here costs at most
 * the number's written length ({@value #MAX_LENGTH} characters), whatever its exponent.
 */
final class Numbers {

    /** Characters of a number, as a JSON number or in a JSON string: the parser's limit, also for strings. */
    static final int MAX_LENGTH = 1000;
    /** PostgreSQL numeric: at most 131072 digits before the decimal point and 16383 after. */
    static final int NUMERIC_MAX_INTEGER_DIGITS = 131_072;

    static final int NUMERIC_MAX_SCALE = 16_383;
    // bigint holds 19 digits at most; anything with more digits before the point is out of range for every integer.
    private static final int INTEGER_MAX_DIGITS = 19;

    private Numbers() {}

    /** A number written in a JSON string, bounded in length before it is parsed. */
    static BigDecimal parse(String text, Column column) throws DecodeException {
        String trimmed = text.trim();
        if (trimmed.length() > MAX_LENGTH) {
            throw ValueFormatter.bad(column, "is a number longer than " + MAX_LENGTH + " characters");
        }
        try {
            return new BigDecimal(trimmed);
        } catch (NumberFormatException e) {
            throw ValueFormatter.bad(column, "is not a number");
        }
    }

    /** The plain text for a numeric column, when it fits PostgreSQL's numeric format. */
    static String numeric(BigDecimal value, Column column) throws DecodeException {
        if (value.scale() > NUMERIC_MAX_SCALE) {
            throw ValueFormatter.bad(column, "has more than " + NUMERIC_MAX_SCALE + " digits after the decimal point");
        }
        if (value.signum() != 0 && integerDigits(value) > NUMERIC_MAX_INTEGER_DIGITS) {
            throw ValueFormatter.bad(
                    column,
                    "is out of range for numeric (more than " + NUMERIC_MAX_INTEGER_DIGITS
                            + " digits before the decimal point)");
        }
        return value.toPlainString();
    }

    /** The whole number for a smallint, integer or bigint column. */
    static String integer(BigDecimal value, Column column) throws DecodeException {
        if (value.signum() == 0) {
            return "0";
        }
        if (integerDigits(value) > INTEGER_MAX_DIGITS) {
            throw ValueFormatter.bad(column, "is out of range for " + column.sqlType());
        }
        // Bounded now: at most 19 digits before the point, and the digits after it are the ones written.
        BigDecimal whole = value.stripTrailingZeros();
        if (whole.scale() > 0) {
            throw ValueFormatter.bad(column, "is not a whole number");
        }
        BigInteger integral = whole.toBigIntegerExact();
        if (integral.bitLength() > 63) {
            throw ValueFormatter.bad(column, "is out of range for " + column.sqlType());
        }
        return ValueFormatter.integer(integral.longValue(), column);
    }

    /**
     * The text for a real or double precision column. Rejects what PostgreSQL's float input rejects: a value that
     * overflows to infinity or underflows to zero in the column's type.
     */
    static String floating(BigDecimal value, Column column, boolean real) throws DecodeException {
        if (value.signum() != 0) {
            // BigDecimal.doubleValue() of an extreme exponent goes through its short scientific text.
            double asDouble = value.doubleValue();
            boolean fits = !Double.isInfinite(asDouble) && asDouble != 0;
            if (fits && real) {
                float asFloat = (float) asDouble;
                fits = !Float.isInfinite(asFloat) && asFloat != 0;
            }
            if (!fits) {
                throw ValueFormatter.bad(column, "is out of range for " + column.sqlType());
            }
        }
        return value.toString();
    }

    /** Digits before the decimal point of a non-zero value; zero or negative when it is below one. */
    private static long integerDigits(BigDecimal value) {
        return (long) value.precision() - value.scale();
    }
}
