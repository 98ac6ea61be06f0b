package io.pgsink.app;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.pgsink.config.LogFormat;
import java.net.URL;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Applies {@code log.format} once the config has been read, by configuring logback again from pgsink's
 * {@code logback.xml} with the format chosen. Before that, {@code PGSINK_LOG_FORMAT} chose, so even the first lines
 * can be JSON. A logging setup that is not pgsink's own (an operator's {@code -Dlogback.configurationFile}, another
 * backend) is left alone.
 */
final class LogOutput {

    static final String FORMAT_PROPERTY = "PGSINK_LOG_FORMAT";

    private LogOutput() {}

    /**
     * Sends what libraries log through {@code java.util.logging} (pgjdbc, the OpenTelemetry exporter, the JDK's
     * HTTP client) to the same output as the rest, in the same format: without it their warnings go to stderr as
     * plain text, which breaks a JSON log's one object per line. Idempotent.
     */
    static synchronized void bridgeJavaUtilLogging() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /** @return whether the output changed */
    static boolean use(LogFormat format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return false;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        String wanted = format.name().toLowerCase(Locale.ROOT);
        boolean ours = root.getAppender("text") != null || root.getAppender("json") != null;
        URL config = LogOutput.class.getResource("/logback.xml");
        if (!ours || root.getAppender(wanted) != null || config == null) {
            return false;
        }
        context.reset();
        context.putProperty(FORMAT_PROPERTY, wanted); // context properties win over the environment variable
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("logback.xml could not be read again for log.format=" + wanted, e);
        }
        return true;
    }
}
