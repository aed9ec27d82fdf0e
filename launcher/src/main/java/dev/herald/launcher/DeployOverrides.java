package dev.herald.launcher;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.SynchronousBundleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bundle dropped into {@code deploy/} with the symbolic name of a bundle of {@code system/} replaces it while it is
 * there: the system copy is stopped before the new one starts, and started again when the jar is deleted. This is how
 * an operator upgrades the controller, the kube bundle, a route source or a backend of a running agent without
 * touching {@code system/}; the parts are built so that the swap keeps the BGP sessions (docs/backends.md).
 *
 * <p>Synchronous: the system copy must stop before FileInstall starts the new one, so that two controllers never
 * run at once. The stop is persistent, so that a restarted framework does not start it again; the launcher leaves
 * it stopped while its replacement is installed ({@link #isReplaced}).
 */
final class DeployOverrides implements SynchronousBundleListener {
    private static final Logger LOG = LoggerFactory.getLogger(DeployOverrides.class);

    private final BundleContext context;
    private final Path system;
    private final Path deploy;

    DeployOverrides(BundleContext context, Path system, Path deploy) {
        this.context = context;
        this.system = system.toAbsolutePath().normalize();
        this.deploy = deploy.toAbsolutePath().normalize();
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle b = event.getBundle();
        if (!isIn(b, deploy)) {
            return;
        }
        if (event.getType() == BundleEvent.INSTALLED || event.getType() == BundleEvent.UPDATED) {
            systemTwin(b).filter(s -> s.getState() == Bundle.ACTIVE || s.getState() == Bundle.STARTING)
                    .ifPresent(s -> {
                        LOG.info("{} in deploy/ replaces {} of system/: stopping the system copy while it is there",
                                FrameworkLauncher.name(b), FrameworkLauncher.name(s));
                        try {
                            s.stop();
                        } catch (BundleException | RuntimeException e) {
                            LOG.error("Cannot stop {} for its replacement: {}", FrameworkLauncher.name(s),
                                    FrameworkLauncher.reason(e));
                        }
                    });
        } else if (event.getType() == BundleEvent.UNINSTALLED) {
            systemTwin(b).filter(s -> s.getState() == Bundle.RESOLVED || s.getState() == Bundle.INSTALLED)
                    .ifPresent(s -> {
                        LOG.info("{} left deploy/: {} of system/ takes over again", FrameworkLauncher.name(b),
                                FrameworkLauncher.name(s));
                        try {
                            s.start();
                        } catch (BundleException | RuntimeException e) {
                            LOG.error("Cannot start {} again: {}", FrameworkLauncher.name(s),
                                    FrameworkLauncher.reason(e));
                        }
                    });
        }
    }

    /** A bundle of system/ that a bundle of deploy/ with its symbolic name replaces: the launcher leaves it. */
    boolean isReplaced(Bundle systemBundle) {
        if (!isIn(systemBundle, system)) {
            return false;
        }
        for (Bundle b : context.getBundles()) {
            if (b != systemBundle && isIn(b, deploy) && b.getState() != Bundle.UNINSTALLED
                    && String.valueOf(b.getSymbolicName()).equals(systemBundle.getSymbolicName())) {
                return true;
            }
        }
        return false;
    }

    private Optional<Bundle> systemTwin(Bundle deployed) {
        for (Bundle b : context.getBundles()) {
            if (b != deployed && isIn(b, system)
                    && String.valueOf(b.getSymbolicName()).equals(deployed.getSymbolicName())) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** Whether a bundle was installed from a jar in {@code dir} (FileInstall and the launcher write file: URIs). */
    static boolean isIn(Bundle b, Path dir) {
        return locationPath(b.getLocation()).map(p -> p.startsWith(dir)).orElse(false);
    }

    static Optional<Path> locationPath(String location) {
        if (location == null || !location.startsWith("file:")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(URI.create(location)).toAbsolutePath().normalize());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
