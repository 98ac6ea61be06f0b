package io.pgsink.decode;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The ISO-8601 text of dates, times and timestamps that Kafka Connect and Debezium send as numbers (days, or
 * milli-, micro- or nanoseconds since the epoch or midnight), computed in integers so every digit is kept: the
 * fraction is written with as many digits as the unit has, and the schemaless JSON rules then read the text.
 */
final class TemporalText {

    // 'uuuu' writes years past 9999 with a sign, as LocalDateTime.parse (which the JSON rules use) reads them.
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);

    private static final long SECONDS_PER_DAY = 86_400;

    private TemporalText() {}

    /** An ISO date from days since 1970-01-01. */
    static String date(long epochDay) {
        return LocalDate.ofEpochDay(epochDay).toString();
    }

    /**
     * {@code HH:mm:ss.f} from an amount of {@code unitsPerSecond} since midnight; {@code 24:00:00}, which PostgreSQL's
     * {@code time} holds, when the amount is a whole day.
     *
     * @throws DateTimeException when the amount is negative or past a day
     */
    static String timeOfDay(long amount, long unitsPerSecond, int digits) {
        long day = SECONDS_PER_DAY * unitsPerSecond;
        if (amount == day) {
            return "24:00:00";
        }
        if (amount < 0 || amount > day) {
            throw new DateTimeException("time of day out of range");
        }
        long seconds = amount / unitsPerSecond;
        StringBuilder out = new StringBuilder(20);
        pad(out, seconds / 3600, 2).append(':');
        pad(out, seconds / 60 % 60, 2).append(':');
        pad(out, seconds % 60, 2);
        return fraction(out, amount % unitsPerSecond, digits).toString();
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss.f} from an amount of {@code unitsPerSecond} since the epoch, as a wall-clock time
     * (a {@code timestamp} without time zone, which Debezium encodes as if it were UTC), or with {@code Z} when the
     * amount is an instant.
     */
    static String timestamp(long amount, long unitsPerSecond, int digits, boolean instant) {
        long seconds = Math.floorDiv(amount, unitsPerSecond);
        long fraction = Math.floorMod(amount, unitsPerSecond);
        StringBuilder out = new StringBuilder(32);
        out.append(DATE_TIME.format(LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC)));
        fraction(out, fraction, digits);
        return instant ? out.append('Z').toString() : out.toString();
    }

    /**
     * An interval of microseconds (or nanoseconds) as {@code [-]H:MM:SS.ffffff}, a form PostgreSQL's interval input
     * reads exactly (hours may exceed 24).
     */
    static String duration(long amount, long unitsPerSecond, int digits) {
        if (amount == Long.MIN_VALUE) {
            throw new DateTimeException("duration out of range");
        }
        long abs = Math.abs(amount);
        long seconds = abs / unitsPerSecond;
        StringBuilder out = new StringBuilder(24);
        if (amount < 0) {
            out.append('-');
        }
        out.append(seconds / 3600).append(':');
        pad(out, seconds / 60 % 60, 2).append(':');
        pad(out, seconds % 60, 2);
        return fraction(out, abs % unitsPerSecond, digits).toString();
    }

    private static StringBuilder fraction(StringBuilder out, long fraction, int digits) {
        return digits == 0 ? out : pad(out.append('.'), fraction, digits);
    }

    private static StringBuilder pad(StringBuilder out, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }
}
