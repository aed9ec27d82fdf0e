package dev.herald.launcher;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** Runs the agent in the foreground until SIGTERM, Ctrl-C or a framework shutdown (for example from the shell). */
final class Agent {
    /** How long a clean stop may take before the process gives up on it. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final HeraldHome home;
    private final boolean shell;
    private Logger log;

    Agent(HeraldHome home, boolean shell) {
        this.home = home;
        this.shell = shell;
    }

    /** Returns the process exit code: 0 after a clean stop. */
    int run(boolean clean) throws Exception {
        home.check();
        if (clean) {
            deleteTree(home.data());
        }
        // In the shell the console belongs to the user: only warnings there, everything still in log/herald.log.
        Logging.init(home, shell ? "WARN" : "INFO");
        log = LoggerFactory.getLogger(Agent.class);
        if (clean) {
            log.info("Wiped {} (--clean)", home.data());
        }

        Map<String, String> overrides = new HashMap<>();
        // Gogo's shell reads the console only with --shell; otherwise it runs headless and never stops the framework.
        if (!shell) {
            overrides.put("gosh.args", "--nointeractive --noshutdown");
        }
        FrameworkLauncher.Started started = FrameworkLauncher.launch(home, overrides);
        Framework framework = started.framework();

        Runnable stop = () -> {
            log.info("Stopping Herald");
            try {
                framework.stop();
            } catch (Exception e) {
                log.error("Stopping the framework failed: {}", e.toString());
            }
        };
        Signal.handle(new Signal("TERM"), s -> stop.run());
        Signal.handle(new Signal("INT"), s -> stop.run());

        printBundles(framework);
        long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        int problems = started.problems().size();
        log.info("Herald started in {} ms ({} ms since JVM start): {} bundles, {} did not start{}",
                started.startTime().toMillis(), sinceJvmStart, framework.getBundleContext().getBundles().length,
                problems, problems == 0 ? "" : " (see errors above)");

        FrameworkEvent end = framework.waitForStop(0);
        // The stop may have been asked by a signal whose handler returned at once; wait for it to finish.
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (framework.getState() != Bundle.RESOLVED && framework.getState() != Bundle.INSTALLED
                && System.nanoTime() < deadline) {
            end = framework.waitForStop(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        }
        if (end.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
            log.error("The framework did not stop within {} s", STOP_TIMEOUT.toSeconds());
            return 1;
        }
        log.info("Herald stopped");
        return 0;
    }

    private void printBundles(Framework framework) {
        StringBuilder sb = new StringBuilder("Bundles:\n");
        sb.append(String.format("%4s  %-9s %5s  %-45s %s%n", "ID", "STATE", "LEVEL", "NAME", "VERSION"));
        for (Bundle b : framework.getBundleContext().getBundles()) {
            BundleStartLevel level = b.adapt(BundleStartLevel.class);
            sb.append(String.format("%4d  %-9s %5s  %-45s %s%n", b.getBundleId(), state(b),
                    level == null ? "" : level.getStartLevel(), b.getSymbolicName(), b.getVersion()));
        }
        log.info("{}", sb.toString().stripTrailing());
    }

    static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.ACTIVE -> "Active";
            case Bundle.RESOLVED -> FrameworkLauncher.isFragment(b) ? "Fragment" : "Resolved";
            case Bundle.INSTALLED -> "Installed";
            case Bundle.STARTING -> "Starting";
            case Bundle.STOPPING -> "Stopping";
            default -> "Uninstalled";
        };
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
