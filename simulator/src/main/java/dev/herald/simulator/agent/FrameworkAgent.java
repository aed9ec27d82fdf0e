package dev.herald.simulator.agent;

import dev.herald.launcher.FrameworkLauncher;
import dev.herald.launcher.HeraldHome;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Herald agent as it runs on a node: the distribution's bundles in their own Felix framework, booted by the same
 * launcher as {@code bin/herald}, with a home folder of its own ({@code etc/herald.cfg}, {@code deploy/},
 * {@code data/}) whose {@code system/} is the distribution's. Unlike {@link SimulatedAgent} its parts can be
 * replaced while it runs, as an operator would: Gogo's {@code update}, {@code uninstall} and {@code install}, and
 * edits of {@code etc/herald.cfg}.
 */
public final class FrameworkAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(FrameworkAgent.class);

    private final String node;
    private final HeraldHome home;
    private final Framework framework;
    /** Where each uninstalled bundle came from, by symbolic name, for {@link #install}. */
    private final Map<String, String> removed = new HashMap<>();

    private FrameworkAgent(String node, HeraldHome home, Framework framework) {
        this.node = node;
        this.home = home;
        this.framework = framework;
    }

    /**
     * Boots an agent for {@code node} under {@code root} from the distribution at {@code distribution}.
     *
     * @param listenAddress the agent's BGP address (and the Node's InternalIP)
     * @param backend {@code native} or {@code gobgp}
     */
    public static FrameworkAgent start(Path distribution, Path root, String node, Path kubeconfig,
                                       String listenAddress, String backend) throws IOException {
        HeraldHome dist = new HeraldHome(distribution).check();
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("deploy"));
        if (!Files.exists(root.resolve("system"))) {
            Files.createSymbolicLink(root.resolve("system"), dist.system());
        }
        for (String f : List.of("config.properties", "org.apache.felix.fileinstall-deploy.cfg")) {
            Files.copy(dist.etc().resolve(f), root.resolve("etc").resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(root.resolve("etc/herald.cfg"), String.join("\n",
                "# written by the simulator for node " + node,
                "status.address = 127.0.0.1:" + freePort(),
                "metrics.address = 127.0.0.1:" + freePort(),
                "backend = " + backend,
                "bgp.listenAddress = " + listenAddress,
                "kube.kubeconfig = " + kubeconfig.toAbsolutePath(),
                "kube.nodeName = " + node,
                "") );
        HeraldHome home = new HeraldHome(root);
        try {
            // no console: Gogo would read the simulator's stdin
            FrameworkLauncher.Started s = FrameworkLauncher.launch(home,
                    Map.of("gosh.args", "--nointeractive --noshutdown"));
            s.problems().forEach(p -> LOG.error("Agent {}: bundle {} did not start: {}", node, p.bundle(),
                    p.reason()));
            return new FrameworkAgent(node, home, s.framework());
        } catch (BundleException e) {
            throw new IOException("cannot start the framework of agent " + node + ": " + e.getMessage(), e);
        }
    }

    public String node() {
        return node;
    }

    /** The bundle with this symbolic name, as Gogo's {@code lb} shows it. */
    public Optional<Bundle> bundle(String symbolicName) {
        for (Bundle b : framework.getBundleContext().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** Gogo {@code update <id>}: the bundle is stopped, re-read from its jar and started again. */
    public void update(String symbolicName) throws BundleException {
        require(symbolicName).update();
    }

    /** Gogo {@code uninstall <id>}. */
    public void uninstall(String symbolicName) throws BundleException {
        Bundle b = require(symbolicName);
        removed.put(symbolicName, b.getLocation());
        b.uninstall();
    }

    /** Gogo {@code install -s <jar>}: the jar it was uninstalled from, else the one of system/ with that name. */
    public void install(String symbolicName) throws BundleException, IOException {
        if (bundle(symbolicName).isPresent()) {
            throw new IllegalStateException("agent " + node + " already has " + symbolicName);
        }
        String location = removed.containsKey(symbolicName) ? removed.remove(symbolicName)
                : systemJar(symbolicName).toUri().toString();
        framework.getBundleContext().installBundle(location).start();
    }

    /** Edits {@code backend} in the agent's etc/herald.cfg, as an operator would; FileInstall applies it. */
    public void backend(String backend) throws IOException {
        Path cfg = home.etc().resolve("herald.cfg");
        List<String> lines = new ArrayList<>(Files.readAllLines(cfg));
        lines.removeIf(l -> l.startsWith("backend ") || l.startsWith("backend="));
        lines.add("backend = " + backend);
        Path tmp = cfg.resolveSibling(".herald.cfg.tmp");
        Files.writeString(tmp, String.join("\n", lines) + "\n");
        Files.move(tmp, cfg, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Bundle require(String symbolicName) {
        return bundle(symbolicName).orElseThrow(() -> new IllegalStateException("agent " + node
                + " has no bundle " + symbolicName));
    }

    private Path systemJar(String symbolicName) throws IOException {
        try (Stream<Path> jars = Files.list(home.system())) {
            for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).toList()) {
                try (InputStream in = Files.newInputStream(jar); JarInputStream j = new JarInputStream(in)) {
                    Manifest m = j.getManifest();
                    String bsn = m == null ? null : m.getMainAttributes().getValue("Bundle-SymbolicName");
                    if (bsn != null && bsn.split(";")[0].trim().equals(symbolicName)) {
                        return jar;
                    }
                }
            }
        }
        throw new IllegalStateException("no bundle " + symbolicName + " in " + home.system());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops the framework as SIGTERM does: sessions end with a Cease. */
    @Override
    public void close() {
        try {
            framework.stop();
            framework.waitForStop(Duration.ofSeconds(15).toMillis());
        } catch (BundleException e) {
            LOG.warn("Agent {}: stopping its framework failed: {}", node, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
