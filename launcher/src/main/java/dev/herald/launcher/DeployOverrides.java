package dev.herald.launcher;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * there: the running copy is stopped as the new one starts, and started again when the jar is deleted. This is how
 * an operator upgrades the controller, the kube bundle, a route source or a backend of a running agent without
 * touching {@code system/}; the parts are built so that the swap keeps the BGP sessions (docs/runtime-swaps.md).
 *
 * <p>Synchronous: the old copy must stop while the new one is STARTING, before its components activate, so that two
 * controllers never run at once; a replacement that does not resolve never starts and leaves the old copy running.
 * The stop is persistent, so that a restarted framework does not start it again; the launcher leaves it stopped
 * while its replacement is installed ({@link #isReplaced}).
 */
final class DeployOverrides implements SynchronousBundleListener {
    private static final Logger LOG = LoggerFactory.getLogger(DeployOverrides.class);

    private final BundleContext context;
    private final Path system;
    private final Path deploy;

    DeployOverrides(BundleContext context, Path system, Path deploy) {
        this.context = context;
        this.system = real(system);
        this.deploy = real(deploy);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle b = event.getBundle();
        if (!isIn(b, deploy)) {
            return;
        }
        if (event.getType() == BundleEvent.STARTING) {
            // only now: a replacement that does not resolve leaves the running copy alone
            for (Bundle other : sameName(b)) {
                if (other.getState() == Bundle.ACTIVE || other.getState() == Bundle.STARTING) {
                    LOG.info("{} in deploy/ replaces {} ({}): stopping that copy while it is there",
                            FrameworkLauncher.name(b), FrameworkLauncher.name(other), isIn(other, system)
                                    ? "system/" : "deploy/");
                    try {
                        other.stop();
                    } catch (BundleException | RuntimeException e) {
                        LOG.error("Cannot stop {} for its replacement: {}", FrameworkLauncher.name(other),
                                FrameworkLauncher.reason(e));
                    }
                }
            }
        } else if (event.getType() == BundleEvent.UNINSTALLED) {
            List<Bundle> rest = sameName(b);
            if (rest.stream().anyMatch(o -> o.getState() == Bundle.ACTIVE || o.getState() == Bundle.STARTING)) {
                return;
            }
            // the newest other replacement in deploy/, else the system/ copy
            rest.stream().filter(o -> isIn(o, deploy)).max(java.util.Comparator.comparingLong(Bundle::getBundleId))
                    .or(() -> rest.stream().filter(o -> isIn(o, system)).findFirst())
                    .ifPresent(o -> {
                        LOG.info("{} left deploy/: {} takes over again", FrameworkLauncher.name(b),
                                FrameworkLauncher.name(o));
                        try {
                            o.start();
                        } catch (BundleException | RuntimeException e) {
                            LOG.error("Cannot start {} again: {}", FrameworkLauncher.name(o),
                                    FrameworkLauncher.reason(e));
                        }
                    });
        }
    }

    /** The other installed bundles with the symbolic name of {@code b}, from system/ or deploy/. */
    private List<Bundle> sameName(Bundle b) {
        List<Bundle> out = new ArrayList<>();
        for (Bundle o : context.getBundles()) {
            if (o != b && o.getState() != Bundle.UNINSTALLED && (isIn(o, system) || isIn(o, deploy))
                    && String.valueOf(o.getSymbolicName()).equals(b.getSymbolicName())) {
                out.add(o);
            }
        }
        return out;
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

    /** Whether a bundle was installed from a jar in {@code dir} (FileInstall and the launcher write file: URIs). */
    static boolean isIn(Bundle b, Path dir) {
        return locationPath(b.getLocation()).map(p -> p.startsWith(dir)).orElse(false);
    }

    static Optional<Path> locationPath(String location) {
        if (location == null || !location.startsWith("file:")) {
            return Optional.empty();
        }
        try {
            return Optional.of(real(Path.of(URI.create(location))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The path with symbolic links resolved where it exists (FileInstall may name a linked folder either way). */
    static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (java.io.IOException e) {
            Path parent = abs.getParent();
            return parent == null || parent.equals(abs) ? abs : real(parent).resolve(abs.getFileName());
        }
    }
}
