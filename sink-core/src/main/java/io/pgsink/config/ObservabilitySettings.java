package io.pgsink.config;

import java.util.ArrayList;
import java.util.List;

/**
 * How the worker reports on itself beyond metrics: its log format and where batch spans are exported.
 *
 * @param logFormat text or JSON lines
 * @param tracingEndpoint an OTLP/HTTP traces endpoint ({@code http://collector:4318/v1/traces}), or {@code null}:
 *     tracing is off unless configured
 */
public record ObservabilitySettings(LogFormat logFormat, String tracingEndpoint) {

    /** @throws ConfigException listing every invalid component */
    public ObservabilitySettings {
        List<String> problems = new ArrayList<>();
        ConfigCatalog.LOG_FORMAT.check(logFormat, problems);
        ConfigCatalog.TRACING_OTLP_ENDPOINT.check(tracingEndpoint, problems);
        ConfigException.throwIfAny(problems);
    }

    /** Text logs, no tracing. */
    public static ObservabilitySettings defaults() {
        return new ObservabilitySettings(LogFormat.TEXT, null);
    }

    public boolean tracing() {
        return tracingEndpoint != null;
    }
}
