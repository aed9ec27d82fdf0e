package dev.herald.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folders of a Herald distribution, Karaf-style: {@code bin/}, {@code lib/} (launcher class path),
 * {@code etc/} (framework properties and Configuration Admin {@code .cfg} files), {@code system/} (bundles started
 * at boot), {@code deploy/} (hot deploy), {@code data/} (framework cache) and {@code log/}.
 */
public record HeraldHome(Path root) {
    public HeraldHome {
        root = root.toAbsolutePath().normalize();
    }

    public Path etc() {
        return root.resolve("etc");
    }

    public Path system() {
        return root.resolve("system");
    }

    public Path deploy() {
        return root.resolve("deploy");
    }

    public Path data() {
        return root.resolve("data");
    }

    public Path log() {
        return root.resolve("log");
    }

    /** Fails with a clear message when this is not a distribution folder. */
    public HeraldHome check() {
        if (!Files.isDirectory(system()) || !Files.isRegularFile(etc().resolve("config.properties"))) {
            throw new IllegalStateException(root + " is not a Herald distribution folder (no system/ or "
                    + "etc/config.properties); set HERALD_HOME or run bin/herald from the distribution");
        }
        return this;
    }

    /** Creates the folders a run writes to. */
    public void createRuntimeFolders() throws IOException {
        Files.createDirectories(data());
        Files.createDirectories(log());
        Files.createDirectories(deploy());
    }
}
