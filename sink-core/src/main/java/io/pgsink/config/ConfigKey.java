package io.pgsink.config;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One configuration property of {@link ConfigCatalog}: its name, type, default, valid values, whether it is
 * secret, and the sentence that documents it. The name carries the unit ({@code batch.linger.ms}).
 *
 * <p>A key is either required (no default; an empty value counts as missing) or optional with a default; an
 * optional key without a default (a user name, a password) is simply unset when absent.
 *
 * @param <T> the type of the parsed value
 */
public final class ConfigKey<T> {

    private final String name;
    private final ValueType<T> type;
    private final String defaultValue;
    private final boolean required;
    private final boolean secret;
    private final String doc;
    private final String missingFix;

    private ConfigKey(
            String name,
            ValueType<T> type,
            String defaultValue,
            boolean required,
            boolean secret,
            String doc,
            String missingFix) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.required = required;
        this.secret = secret;
        this.doc = doc;
        this.missingFix = missingFix;
    }

    /** A key without default; {@code what} and {@code example} say how to set it when it is missing. */
    static <T> ConfigKey<T> required(String name, ValueType<T> type, String what, String example, String doc) {
        return new ConfigKey<>(name, type, null, true, false, doc, "set " + what + ", e.g. " + name + "=" + example);
    }

    /** A key with a default in config syntax, or unset ({@code null}) when {@code defaultValue} is null. */
    static <T> ConfigKey<T> optional(String name, ValueType<T> type, String defaultValue, String doc) {
        return new ConfigKey<>(name, type, defaultValue, false, false, doc, type.fix());
    }

    /** An optional key without default whose value never appears in messages, docs or {@code toString}. */
    static ConfigKey<String> secret(String name, ValueType<String> type, String doc) {
        return new ConfigKey<>(name, type, null, false, true, doc, type.fix());
    }

    /**
     * This key under another name, for keys defined once as a template ({@code route.<name>.table}) and parsed
     * under each concrete name ({@code route.orders.table}), so that problems name the key the operator set.
     */
    ConfigKey<T> named(String concreteName) {
        return new ConfigKey<>(
                concreteName, type, defaultValue, required, secret, doc, missingFix.replace(name, concreteName));
    }

    /** The property name, e.g. {@code batch.max.records}. */
    public String name() {
        return name;
    }

    /**
     * The environment variable that overrides this key: {@code PGSINK_} and the name upper-cased, with
     * {@code .} and {@code -} as {@code _}, e.g. {@code PGSINK_BATCH_MAX_RECORDS}.
     */
    public String envName() {
        return EnvironmentOverrides.PREFIX
                + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The value's type as documented, e.g. {@code int} or {@code long (ms)}. */
    public String type() {
        return type.label();
    }

    /** The default in config syntax; empty for required keys and for optional keys that are unset by default. */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public boolean required() {
        return required;
    }

    /** True for keys whose value must never be logged, printed or echoed in a problem. */
    public boolean secret() {
        return secret;
    }

    /** The valid values as documented, e.g. {@code 1 to 64} or {@code insert, upsert}. */
    public String validValues() {
        return type.validValues();
    }

    /** One sentence saying what the key controls. */
    public String doc() {
        return doc;
    }

    String docDefault() {
        return defaultValue == null ? null : type.docValue(defaultValue);
    }

    /**
     * Parses raw text as found in the properties: trimmed, and empty means absent. Adds a problem and returns
     * {@code null} when the value is missing or invalid; returns {@code null} for an unset optional key.
     */
    T parse(String raw, List<String> problems) {
        String text = raw == null ? "" : raw.strip();
        if (text.isEmpty()) {
            if (required) {
                problems.add(missing());
                return null;
            }
            text = defaultValue;
        }
        if (text == null) {
            return null;
        }
        try {
            T value = type.convert(text);
            return check(value, problems) ? value : null;
        } catch (IllegalArgumentException invalid) {
            problems.add(name + ": " + (secret ? "invalid; " + type.fix() : invalid.getMessage()));
            return null;
        }
    }

    /** Checks a typed value, adding a problem when it is invalid; returns whether it is valid. */
    boolean check(T value, List<String> problems) {
        if (isEmpty(value)) {
            if (required || (value == null && defaultValue != null)) {
                problems.add(missing());
                return false;
            }
            return true;
        }
        String problem = type.problem(value);
        if (problem != null) {
            problems.add(name + ": " + (secret ? "invalid; " + type.fix() : problem));
        }
        return problem == null;
    }

    private String missing() {
        return name + ": missing; " + missingFix;
    }

    private static boolean isEmpty(Object value) {
        return value == null
                || value instanceof String && ((String) value).isBlank()
                || value instanceof Collection && ((Collection<?>) value).isEmpty();
    }

    @Override
    public String toString() {
        return name;
    }
}
