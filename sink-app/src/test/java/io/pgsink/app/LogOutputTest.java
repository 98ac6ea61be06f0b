package io.pgsink.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsink.config.LogFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogOutputTest {

    private final PrintStream original = System.err;

    @AfterEach
    void restore() {
        System.setErr(original);
        LogOutput.use(LogFormat.TEXT);
        MDC.clear();
    }

    @Test
    void jsonFormatWritesOneParsableObjectPerLineWithTheBatchContext() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));

        assertThat(LogOutput.use(LogFormat.JSON)).isTrue();
        MDC.put("batch_id", "12");
        MDC.put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
        LoggerFactory.getLogger("io.pgsink.test").warn("orders-0@5: retrying \"quoted\"\nsecond line");

        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertThat(line.path("level").asText()).isEqualTo("WARN");
        assertThat(line.path("loggerName").asText()).isEqualTo("io.pgsink.test");
        assertThat(line.path("formattedMessage").asText()).isEqualTo("orders-0@5: retrying \"quoted\"\nsecond line");
        assertThat(line.path("mdc").path("batch_id").asText()).isEqualTo("12");
        assertThat(line.path("mdc").path("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void textFormatIsTheDefaultAndSwitchingToItAgainChangesNothing() {
        assertThat(LogOutput.use(LogFormat.TEXT)).isFalse();
    }

    @Test
    void javaUtilLoggingWarningsComeOutAsJsonLinesToo() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));

        assertThat(LogOutput.use(LogFormat.JSON)).isTrue();
        LogOutput.bridgeJavaUtilLogging();
        java.util.logging.Logger.getLogger("io.opentelemetry.exporter.internal.http.HttpExporter")
                .warning("Failed to export spans. The request could not be executed.");
        java.util.logging.Logger.getLogger("org.postgresql.test").fine("below the level: not written");

        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertThat(line.path("level").asText()).isEqualTo("WARN");
        assertThat(line.path("loggerName").asText()).isEqualTo("io.opentelemetry.exporter.internal.http.HttpExporter");
        assertThat(line.path("formattedMessage").asText()).startsWith("Failed to export spans");
    }
}
