package io.pgsink.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/troubleshooting.md must explain every message pgsink logs at WARN or ERROR and every exit code: a new
 * message without an entry fails the build. A message is found by the longest literal part of its template (the
 * text between the {@code {}} placeholders), which the guide quotes.
 */
class TroubleshootingDocTest {

    private static final Path ROOT = Path.of("..");
    private static final Path GUIDE = ROOT.resolve("docs/troubleshooting.md");
    private static final List<Path> SOURCES =
            List.of(ROOT.resolve("sink-core/src/main/java"), ROOT.resolve("sink-app/src/main/java"));
    // LOG.warn( or LOG.error( followed by one or more string literals joined by +.
    private static final Pattern CALL = Pattern.compile(
            "\\bLOG\\s*\\.\\s*(?:warn|error)\\s*\\(\\s*((?:\"(?:[^\"\\\\]|\\\\.)*\"\\s*\\+?\\s*)+)", Pattern.DOTALL);
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Test
    void everyWarnAndErrorMessageHasAnEntry() throws IOException {
        String guide = normalise(Files.readString(GUIDE));
        List<String> missing = new ArrayList<>();
        for (String template : templates()) {
            String fragment = longestLiteralPart(template);
            if (!guide.contains(normalise(fragment))) {
                missing.add(template);
            }
        }
        assertThat(missing)
                .as("WARN/ERROR messages without an entry in docs/troubleshooting.md (quote the message there)")
                .isEmpty();
    }

    @Test
    void findsTheMessagesItChecks() throws IOException {
        assertThat(templates())
                .as("the scan must see the worker's messages, or the check above proves nothing")
                .anyMatch(t -> t.contains("writer lane {} stopped"))
                .hasSizeGreaterThan(10);
    }

    @Test
    void everyExitCodeHasAnEntry() throws IOException, IllegalAccessException {
        String guide = Files.readString(GUIDE);
        for (Field field : Cli.class.getFields()) {
            if (field.getName().startsWith("EXIT_") && Modifier.isStatic(field.getModifiers())) {
                int code = field.getInt(null);
                assertThat(guide).as("exit code %d (%s)", code, field.getName()).contains("exit code " + code);
            }
        }
    }

    private static List<String> templates() throws IOException {
        List<String> templates = new ArrayList<>();
        for (Path sources : SOURCES) {
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java"))
                        .sorted(Comparator.naturalOrder())
                        .toList()) {
                    Matcher call = CALL.matcher(Files.readString(file));
                    while (call.find()) {
                        templates.add(joinLiterals(call.group(1)));
                    }
                }
            }
        }
        return templates;
    }

    private static String joinLiterals(String concatenation) {
        StringBuilder text = new StringBuilder();
        Matcher literal = LITERAL.matcher(concatenation);
        while (literal.find()) {
            text.append(literal.group(1).replace("\\\"", "\""));
        }
        return text.toString();
    }

    private static String longestLiteralPart(String template) {
        String longest = "";
        for (String part : template.split("\\{}")) {
            String trimmed = part.strip();
            if (trimmed.length() > longest.length()) {
                longest = trimmed;
            }
        }
        return longest;
    }

    /** Whitespace runs as one space, so a message wrapped in the guide still matches. */
    private static String normalise(String text) {
        return text.replaceAll("\\s+", " ");
    }
}
