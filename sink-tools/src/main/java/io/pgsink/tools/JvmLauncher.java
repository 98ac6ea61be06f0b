package io.pgsink.tools;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

/** The command line that starts pgsink in a JVM of its own, as an operator would, for the bench and the examples. */
public final class JvmLauncher {

    private JvmLauncher() {}

    /** This JVM's {@code java} executable, for a child JVM of the same version. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * {@code -jar pgsink-tools.jar} when this JVM runs from the tools jar (its {@code run} is the worker's), the same
     * classpath and the worker's main class otherwise.
     */
    public static List<String> launcher() {
        String classpath = System.getProperty("java.class.path");
        if (classpath.endsWith(".jar") && !classpath.contains(File.pathSeparator)) {
            return List.of("-jar", classpath);
        }
        return List.of("-cp", classpath, "io.pgsink.app.Main");
    }
}
