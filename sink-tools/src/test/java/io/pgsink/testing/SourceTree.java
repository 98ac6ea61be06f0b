package io.pgsink.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository checkout the tests run in (deploy/, docs/), whatever module directory Maven runs from. */
public final class SourceTree {

    private SourceTree() {}

    /** {@code relative} resolved against the repository root: the nearest directory up holding mvnw and deploy/. */
    public static Path path(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("deploy"))) {
                return dir.resolve(relative);
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "no repository root (mvnw and deploy/) above " + Path.of("").toAbsolutePath());
    }
}
