package dev.herald.it.deploy;

import dev.herald.it.Distribution;
import dev.herald.it.peers.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The images the deploy test runs, built with the project's own scripts (deploy/container) as an operator would:
 * a base from Debian packages (no registry is reachable), the image the manifests name, and a second one with a new
 * tag and a changed layer, for the rolling update.
 */
final class ContainerImages {
    static final String BASE = "localhost/herald-base:bookworm";
    /** What deploy/kubernetes names: podman finds a short name among its local images as localhost/NAME. */
    static final String CURRENT = "localhost/herald:0.1.0";
    static final String NEXT = "herald:0.1.1";
    private static final Duration BUILD = Duration.ofMinutes(10);

    private ContainerImages() {
    }

    /** Builds the base (once per machine), the current image and the next one from {@code dist}. */
    static void buildBoth(Path repo, Path dist, Path tmp) throws IOException, InterruptedException {
        Path scripts = repo.resolve("deploy/container");
        Commands.run(BUILD, List.of("sh", scripts.resolve("build-base.sh").toString(), "--name", BASE));
        Commands.run(BUILD, List.of("sh", scripts.resolve("build-image.sh").toString(), dist.toString(), "--base",
                BASE, "--tag", CURRENT));
        Path next = Distribution.copy(tmp, "herald-next");
        Files.writeString(next.resolve("etc/release.txt"), "the next release, for the rolling update\n");
        Commands.run(BUILD, List.of("sh", scripts.resolve("build-image.sh").toString(), next.toString(), "--base",
                BASE, "--tag", "localhost/" + NEXT));
    }
}
