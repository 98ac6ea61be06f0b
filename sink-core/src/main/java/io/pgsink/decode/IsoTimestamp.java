package io.pgsink.decode;

/**
 * Recognises the common timestamp form {@code 2024-05-01T12:30:00.123Z} / {@code ...+02:00} without parsing it into
 * objects, so such text can go to a timestamptz column as it is: PostgreSQL reads exactly this form, with the same
 * meaning {@link java.time.OffsetDateTime#parse} gives it. Anything else (no offset, lower-case letters, leap
 * seconds, offsets beyond ±14:59, year 0) is left to the full parser in {@link ValueFormatter}.
 */
final class IsoTimestamp {

    private static final int[] DAYS_IN_MONTH = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private IsoTimestamp() {}

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:mm)}, a real date and time of day, year 1 to 9999. */
    static boolean isOffsetDateTime(String s) {
        int n = s.length();
        if (n < 20
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || s.charAt(10) != 'T'
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return false;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((hour | minute | second) < 0
                || year < 1
                || month < 1
                || month > 12
                || day < 1
                || day > DAYS_IN_MONTH[month - 1]
                || (month == 2 && day == 29 && !isLeap(year))
                || hour > 23
                || minute > 59
                || second > 59) {
            return false;
        }
        int i = 19;
        if (s.charAt(i) == '.') {
            int fractionStart = ++i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            int fractionDigits = i - fractionStart;
            if (fractionDigits < 1 || fractionDigits > 9) {
                return false;
            }
        }
        if (i == n - 1) {
            return s.charAt(i) == 'Z';
        }
        if (i != n - 6 || (s.charAt(i) != '+' && s.charAt(i) != '-') || s.charAt(i + 3) != ':') {
            return false;
        }
        int offsetHours = digits(s, i + 1, 2);
        int offsetMinutes = digits(s, i + 4, 2);
        return offsetHours >= 0 && offsetHours <= 14 && offsetMinutes >= 0 && offsetMinutes <= 59;
    }

    /** The value of {@code length} decimal digits at {@code from}, or -1 if any of them is not a digit. */
    private static int digits(String s, int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLeap(int year) {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }
}
