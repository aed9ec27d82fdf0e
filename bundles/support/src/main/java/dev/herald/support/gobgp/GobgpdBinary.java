package dev.herald.support.gobgp;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where gobgpd is installed: the goBGP backend starts it from there when no path is configured, and the tests and
 * the simulator ask it whether they can run gobgpd at all.
 */
public final class GobgpdBinary {
    /** Where Debian's package puts it ({@code /usr/bin}), and where other builds tend to ({@code /usr/sbin}). */
    public static final List<Path> DEFAULT_LOCATIONS = List.of(Path.of("/usr/sbin/gobgpd"),
            Path.of("/usr/bin/gobgpd"));
    /** The Debian package that installs it. */
    public static final String DEBIAN_PACKAGE = "gobgpd";

    private GobgpdBinary() {
    }

    /** The first default location that exists, else {@code gobgpd} on the PATH; empty when there is none. */
    public static Optional<Path> find() {
        List<Path> candidates = new ArrayList<>(DEFAULT_LOCATIONS);
        String pathVar = System.getenv("PATH");
        if (pathVar != null) {
            for (String dir : pathVar.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "gobgpd"));
                }
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** Whether {@link #find()} finds one. */
    public static boolean installed() {
        return find().isPresent();
    }
}
