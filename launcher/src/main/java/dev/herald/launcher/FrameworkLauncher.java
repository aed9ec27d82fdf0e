package dev.herald.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots an OSGi framework (Apache Felix, found through the standard {@link FrameworkFactory} launcher API) for a
 * {@link HeraldHome}: installs every jar of {@code system/}, updates the ones that changed since the cached copy,
 * uninstalls the ones that are gone, and starts them. A bundle that cannot start is reported with the reason the
 * framework gives (for an unresolved bundle, its missing requirement); the others start regardless.
 */
public final class FrameworkLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(FrameworkLauncher.class);

    /** Bundles started before the others, so that logging, configuration and DS are there when components come. */
    private static final List<String> START_FIRST = List.of(
            "org.apache.felix.log", "org.apache.felix.configadmin", "org.apache.felix.scr");
    /** Started last: FileInstall then deploys {@code deploy/} on top of a complete system. */
    private static final List<String> START_LAST = List.of("org.apache.felix.fileinstall");

    private static final String CONFIGURATION_ADMIN = "org.osgi.service.cm.ConfigurationAdmin";
    private static final Duration CM_WAIT = Duration.ofSeconds(10);

    private FrameworkLauncher() {
    }

    /** A bundle of {@code system/} that did not start, and why. */
    public record BundleProblem(String bundle, String location, String reason) {
    }

    /** A running framework and what went wrong while starting it. */
    public record Started(Framework framework, List<BundleProblem> problems, Duration startTime) {
    }

    /**
     * Starts the framework for {@code home}.
     *
     * @param overrides framework properties that win over {@code etc/config.properties}
     */
    public static Started launch(HeraldHome home, Map<String, String> overrides) throws IOException, BundleException {
        long t0 = System.nanoTime();
        home.check().createRuntimeFolders();
        Map<String, String> props = FrameworkProperties.load(home);
        props.putAll(overrides);
        // Felix takes its logger as an object-valued launch property, outside FrameworkFactory's String map.
        Map<String, Object> config = new HashMap<>(props);
        config.put("felix.log.logger", new Slf4jFrameworkLogger());
        @SuppressWarnings("unchecked")
        Map<String, String> withLogger = (Map<String, String>) (Map<?, ?>) config;

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, FrameworkLauncher.class.getClassLoader())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path (lib/)"));
        Framework framework = factory.newFramework(withLogger);
        framework.init();
        BundleContext ctx = framework.getBundleContext();
        ctx.addFrameworkListener(event -> {
            if (event.getType() == FrameworkEvent.ERROR) {
                LOG.error("Bundle {}: {}", name(event.getBundle()), reason(event.getThrowable()),
                        LOG.isDebugEnabled() ? event.getThrowable() : null);
            } else if (event.getType() == FrameworkEvent.WARNING) {
                LOG.warn("Bundle {}: {}", name(event.getBundle()), reason(event.getThrowable()));
            }
        });

        List<Bundle> bundles = syncSystemBundles(ctx, home.system());
        DeployOverrides replacements = new DeployOverrides(ctx, home.system(), home.deploy());
        ctx.addBundleListener(replacements);
        framework.start();

        List<BundleProblem> problems = new ArrayList<>();
        bundles.sort(Comparator.comparingInt(FrameworkLauncher::startRank)
                .thenComparing(b -> String.valueOf(b.getSymbolicName())));
        for (Bundle b : bundles) {
            if (isFragment(b)) {
                continue;
            }
            if (replacements.isReplaced(b)) {
                LOG.info("Not starting {} of system/: a bundle of deploy/ with its name replaces it", name(b));
                continue;
            }
            if (startRank(b) >= 100) {
                awaitService(ctx, CONFIGURATION_ADMIN);
            }
            try {
                b.start();
            } catch (BundleException | RuntimeException e) {
                BundleProblem p = new BundleProblem(name(b), b.getLocation(), reason(e));
                problems.add(p);
                LOG.error("Bundle {} ({}) did not start: {}", p.bundle(), p.location(), p.reason());
            }
        }
        return new Started(framework, List.copyOf(problems), Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * FileInstall reads etc/*.cfg once at start; if Configuration Admin is not registered yet (it registers
     * asynchronously), those files are skipped until they next change. So FileInstall waits for it, briefly.
     */
    private static void awaitService(BundleContext ctx, String type) {
        long deadline = System.nanoTime() + CM_WAIT.toNanos();
        try {
            while (ctx.getAllServiceReferences(type, null) == null) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("{} is not available after {} s; etc/*.cfg may be applied late", type,
                            CM_WAIT.toSeconds());
                    return;
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Makes the installed bundles from {@code system/} equal the jars there; returns them in folder order. */
    private static List<Bundle> syncSystemBundles(BundleContext ctx, Path system) throws IOException {
        Map<String, Bundle> installed = new HashMap<>();
        String systemUri = system.toUri().toString();
        for (Bundle b : ctx.getBundles()) {
            if (b.getLocation().startsWith(systemUri)) {
                installed.put(b.getLocation(), b);
            }
        }
        List<Path> jars;
        try (Stream<Path> s = Files.list(system)) {
            jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        List<Bundle> result = new ArrayList<>();
        for (Path jar : jars) {
            String location = jar.toUri().toString();
            Bundle existing = installed.remove(location);
            try {
                if (existing == null) {
                    try (InputStream in = Files.newInputStream(jar)) {
                        result.add(ctx.installBundle(location, in));
                    }
                } else {
                    if (Files.getLastModifiedTime(jar).toMillis() > existing.getLastModified()) {
                        LOG.info("Updating {} from {}", name(existing), jar.getFileName());
                        try (InputStream in = Files.newInputStream(jar)) {
                            existing.update(in);
                        }
                    }
                    result.add(existing);
                }
            } catch (BundleException e) {
                LOG.error("Cannot install {}: {}", jar.getFileName(), reason(e));
            }
        }
        for (Bundle gone : installed.values()) {
            try {
                LOG.info("Uninstalling {}: its jar is no longer in system/", name(gone));
                gone.uninstall();
            } catch (BundleException e) {
                LOG.warn("Cannot uninstall {}: {}", name(gone), reason(e));
            }
        }
        return result;
    }

    private static int startRank(Bundle b) {
        String bsn = String.valueOf(b.getSymbolicName());
        if (START_FIRST.contains(bsn)) {
            return START_FIRST.indexOf(bsn);
        }
        return START_LAST.contains(bsn) ? 100 + START_LAST.indexOf(bsn) : 50;
    }

    static boolean isFragment(Bundle b) {
        return b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    /** {@code symbolic.name version}, how operators find a bundle in {@code lb} and in logs. */
    static String name(Bundle b) {
        return b == null ? "<framework>" : b.getSymbolicName() + " " + b.getVersion();
    }

    /** The exception's message without its class name, or the class name when there is no message. */
    static String reason(Throwable t) {
        if (t == null) {
            return "(no details)";
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getName() : m;
    }
}
