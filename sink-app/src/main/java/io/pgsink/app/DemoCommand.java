package io.pgsink.app;

import io.pgsink.app.demo.DemoRun;
import java.io.PrintStream;
import java.util.List;

/** {@code pgsink demo [--records N] [--keep-running]}. */
final class DemoCommand {

    private DemoCommand() {}

    static int run(List<String> options, PrintStream out, PrintStream err) {
        int records = 50_000;
        int at = options.indexOf("--records");
        if (at >= 0) {
            try {
                records = Integer.parseInt(options.get(at + 1));
            } catch (IndexOutOfBoundsException | NumberFormatException e) {
                err.println("--records needs a whole number");
                return Main.EXIT_USAGE;
            }
        }
        try {
            boolean ok = new DemoRun(out).run(records, options.contains("--keep-running"));
            out.println(ok ? "demo OK" : "demo FAILED");
            return ok ? 0 : Main.EXIT_FAILED;
        } catch (Exception e) {
            err.println("demo failed: " + e);
            e.printStackTrace(err);
            return Main.EXIT_FAILED;
        }
    }
}
