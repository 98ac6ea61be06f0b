package io.pgsink.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The type of a configuration key: how its trimmed text becomes a typed value, which typed values are valid, and
 * how it reads in the generated reference. Problem texts complete a line that starts with the key name, so each
 * says what is wrong and how to fix it. Values are never adjusted to fit: out of range is a problem.
 */
final class ValueType<T> {

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?\\d+");

    private final String label;
    private final String validValues;
    private final String fix;
    private final Function<String, T> converter; // throws IllegalArgumentException carrying the problem text
    private final Function<T, String> check; // the problem text, or null when the value is valid
    private final UnaryOperator<String> docValue;

    private ValueType(
            String label,
            String validValues,
            String fix,
            Function<String, T> converter,
            Function<T, String> check,
            UnaryOperator<String> docValue) {
        this.label = label;
        this.validValues = validValues;
        this.fix = fix;
        this.converter = converter;
        this.check = check;
        this.docValue = docValue;
    }

    /** Free text, valid when it matches {@code pattern}. */
    static ValueType<String> text(String validValues, Pattern pattern, String fix) {
        return text(validValues, pattern, fix, UnaryOperator.identity());
    }

    /** Free text, valid when it matches {@code pattern}; {@code echo} renders a bad value without secrets. */
    static ValueType<String> text(String validValues, Pattern pattern, String fix, UnaryOperator<String> echo) {
        Function<String, String> check = value -> pattern.matcher(value).matches()
                ? null
                : quote(echo.apply(value)) + " is not " + validValues + "; " + fix;
        return new ValueType<>("string", validValues, fix, Function.identity(), check, UnaryOperator.identity());
    }

    /** A comma-separated list; each trimmed item must match {@code item} and appear once. */
    static ValueType<List<String>> list(String validValues, Pattern item, String fix) {
        Function<String, List<String>> converter = raw -> raw.isEmpty()
                ? List.of()
                : Arrays.stream(raw.split(",", -1)).map(String::strip).collect(Collectors.toList());
        Function<List<String>, String> check = items -> listProblem(items, item, validValues, fix);
        return new ValueType<>("list", validValues, fix, converter, check, UnaryOperator.identity());
    }

    static <E extends Enum<E>> ValueType<E> choice(Class<E> type) {
        E[] constants = type.getEnumConstants();
        String names = Arrays.stream(constants).map(ValueType::configName).collect(Collectors.joining(", "));
        Function<String, E> converter = raw -> Arrays.stream(constants)
                .filter(constant -> configName(constant).equalsIgnoreCase(raw))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(quote(raw) + " is not one of " + names));
        return new ValueType<>(
                "enum", names, "set one of " + names, converter, value -> null, UnaryOperator.identity());
    }

    static ValueType<Integer> integer(int min, int max) {
        String fix = "set a whole number between " + min + " and " + max;
        return new ValueType<>(
                "int",
                min + " to " + max,
                fix,
                raw -> (int) wholeNumber(raw, min, max, fix),
                value -> rangeProblem(value, min, max, fix),
                UnaryOperator.identity());
    }

    /** {@code true} or {@code false}, in any case. */
    static ValueType<Boolean> bool() {
        String fix = "set true or false";
        Function<String, Boolean> converter = raw -> {
            if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(raw);
            }
            throw new IllegalArgumentException(quote(raw) + " is not true or false; " + fix);
        };
        return new ValueType<>("boolean", "true, false", fix, converter, value -> null, UnaryOperator.identity());
    }

    static ValueType<Long> bytes(long min, long max) {
        String range = withUnit(min) + " to " + withUnit(max);
        String fix = "set a whole number of bytes between " + withUnit(min) + " and " + withUnit(max);
        return new ValueType<>(
                "long (bytes)",
                range,
                fix,
                raw -> wholeNumber(raw, min, max, fix),
                value -> rangeProblem(value, min, max, fix),
                raw -> withUnit(Long.parseLong(raw)));
    }

    static ValueType<Duration> millis(long min, long max) {
        String fix = "set a whole number of milliseconds between " + min + " and " + max;
        return new ValueType<>(
                "long (ms)",
                min + " to " + max,
                fix,
                raw -> Duration.ofMillis(wholeNumber(raw, min, max, fix)),
                value -> rangeProblem(value.toMillis(), min, max, fix),
                UnaryOperator.identity());
    }

    String label() {
        return label;
    }

    String validValues() {
        return validValues;
    }

    String fix() {
        return fix;
    }

    /** Converts trimmed, non-empty text; throws {@link IllegalArgumentException} with the problem text. */
    T convert(String text) {
        return converter.apply(text);
    }

    /** The problem with a typed value, or {@code null} when it is valid. */
    String problem(T value) {
        return check.apply(value);
    }

    String docValue(String raw) {
        return docValue.apply(raw);
    }

    static String configName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static long wholeNumber(String raw, long min, long max, String fix) {
        if (!WHOLE_NUMBER.matcher(raw).matches()) {
            throw new IllegalArgumentException(quote(raw) + " is not an integer; " + fix);
        }
        try {
            long value = Long.parseLong(raw);
            String problem = rangeProblem(value, min, max, fix);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            return value;
        } catch (NumberFormatException tooManyDigits) {
            throw new IllegalArgumentException(quote(raw) + " is out of range; " + fix, tooManyDigits);
        }
    }

    private static String rangeProblem(long value, long min, long max, String fix) {
        return value < min || value > max ? quote(String.valueOf(value)) + " is out of range; " + fix : null;
    }

    private static String listProblem(List<String> items, Pattern item, String validValues, String fix) {
        Set<String> seen = new HashSet<>();
        for (String candidate : items) {
            if (candidate == null || candidate.isBlank()) {
                String shown = items.stream().map(String::valueOf).collect(Collectors.joining(","));
                return quote(shown) + " has an empty item; " + fix;
            }
            if (!item.matcher(candidate).matches()) {
                return quote(candidate) + " is not valid in " + validValues + "; " + fix;
            }
            if (!seen.add(candidate)) {
                return quote(candidate) + " is listed twice; list each item once";
            }
        }
        return null;
    }

    /** Renders a byte count with its binary unit when it is a whole number of KiB, MiB or GiB. */
    private static String withUnit(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (30 - 10 * i);
            if (bytes >= unit && bytes % unit == 0) {
                return bytes + " (" + bytes / unit + " " + units[i] + ")";
            }
        }
        return String.valueOf(bytes);
    }

    static String quote(String value) {
        return '"' + value + '"';
    }
}
