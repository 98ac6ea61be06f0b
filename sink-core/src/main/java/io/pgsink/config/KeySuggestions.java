package io.pgsink.config;

import java.util.Collection;
import java.util.Optional;

/** Finds the known name an operator most likely meant when they wrote an unknown one. */
final class KeySuggestions {

    // Three edits catch a typo, a dropped unit suffix ("batch.linger") and a swapped separator, while short
    // unrelated names stay without a suggestion.
    private static final int MAX_DISTANCE = 3;

    private KeySuggestions() {}

    /** The candidate nearest to {@code unknown} by edit distance, if one is close enough; ties go to the first. */
    static Optional<String> nearest(String unknown, Collection<String> candidates) {
        String best = null;
        int bestDistance = MAX_DISTANCE + 1;
        for (String candidate : candidates) {
            int distance = distance(unknown, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance, two rows at a time. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
