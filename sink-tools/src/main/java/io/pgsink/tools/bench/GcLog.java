package io.pgsink.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a unified JVM GC log ({@code -Xlog:gc}): lines such as {@code Pause Young ... 60M->12M(256M) 3.1ms}. */
final class GcLog {

    private static final Pattern PAUSE = Pattern.compile(" (\\d+(?:\\.\\d+)?)ms$");
    private static final Pattern HEAP = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\(\\d+[KMG]\\)");

    private GcLog() {}

    /** The log's lines; none if the JVM wrote no log. */
    static List<String> read(Path log) throws IOException {
        return Files.isRegularFile(log) ? Files.readAllLines(log) : List.of();
    }

    /** The largest heap occupancy right after a collection, in bytes; 0 if the log records none. */
    static long maxHeapAfterGc(List<String> log) {
        long max = 0;
        for (String line : log) {
            Matcher m = HEAP.matcher(line);
            if (m.find()) {
                max = Math.max(max, bytes(m.group(3), m.group(4)));
            }
        }
        return max;
    }

    /** The {@code count} longest pauses, as their log lines (with the wall-clock time the bench logs them with). */
    static List<String> longestPauses(List<String> log, int count) {
        return log.stream()
                .filter(line -> line.contains(" Pause "))
                .filter(line -> PAUSE.matcher(line).find())
                .sorted(Comparator.comparingDouble((String line) -> pauseMillis(line))
                        .reversed())
                .limit(count)
                .toList();
    }

    private static double pauseMillis(String line) {
        Matcher m = PAUSE.matcher(line);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static long bytes(String amount, String unit) {
        long value = Long.parseLong(amount);
        return switch (unit) {
            case "K" -> value << 10;
            case "M" -> value << 20;
            default -> value << 30;
        };
    }
}
