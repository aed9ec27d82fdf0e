package dev.herald.ops;

import dev.herald.api.spi.AgentStatus;
import dev.herald.api.spi.BgpServerFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gogo commands for operators: {@code herald:status} shows what runs and whether the peers have everything;
 * {@code herald:swap <backend> [seconds]} switches the BGP backend on the running agent and waits until the peers
 * have the whole table again from the new one.
 */
@Component(service = HeraldCommands.class, property = {"osgi.command.scope=herald", "osgi.command.function=status",
        "osgi.command.function=swap"})
public final class HeraldCommands {
    private static final Logger LOG = LoggerFactory.getLogger(HeraldCommands.class);
    static final String PID = "herald";
    /** Where Felix FileInstall records the file a configuration came from. */
    static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(120);
    private static final Pattern BACKEND_LINE = Pattern.compile("^\\s*backend\\s*[=:].*$");

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile AgentStatus agent;

    @Activate
    public HeraldCommands(BundleContext context, @Reference ConfigurationAdmin configAdmin) {
        this.context = context;
        this.configAdmin = configAdmin;
    }

    /** {@code herald:status}. */
    public String status() throws IOException {
        AgentStatus a = agent;
        if (a == null) {
            return "The BGPPolicy controller is not running (is the cluster reachable? see 'scr:list' and log/)";
        }
        return AgentText.status(a, configuredBackend());
    }

    /** {@code herald:swap <backend>}: waits up to two minutes for the peers to have everything again. */
    public String swap(String backend) throws Exception {
        return swap(backend, DEFAULT_WAIT.toSeconds());
    }

    /** {@code herald:swap <backend> <seconds>}. */
    public String swap(String backend, long waitSeconds) throws Exception {
        List<String> known = registeredBackends();
        if (!known.contains(backend)) {
            return "Unknown backend '" + backend + "': registered backends are " + known;
        }
        AgentStatus a = agent;
        String configured = configuredBackend();
        if (configured.equals(backend) && a != null && a.backend().filter(backend::equals).isPresent()) {
            return "Already on " + backend + "\n" + a.backend().map(b -> AgentText.Progress.of(a).toString())
                    .orElse("");
        }
        long start = System.nanoTime();
        String where = setBackend(backend);
        LOG.info("Backend swap to {} asked from the shell ({}); it was {}", backend, where, configured);
        PrintStream out = System.out; // Gogo routes it to the session
        out.println("Swapping the BGP backend " + configured + " -> " + backend + " (" + where + ")");
        long deadline = start + Duration.ofSeconds(waitSeconds).toNanos();
        long nextReport = start + Duration.ofSeconds(2).toNanos();
        AgentText.Progress p = null;
        while (System.nanoTime() < deadline) {
            AgentStatus now = agent;
            if (now != null) {
                try {
                    p = AgentText.Progress.of(now);
                } catch (RuntimeException e) {
                    p = null; // the controller is between two servers
                }
                if (p != null && p.convergedOn(backend)) {
                    return String.format("Converged on %s in %.1f s: %s", backend,
                            (System.nanoTime() - start) / 1e9, p);
                }
            }
            if (System.nanoTime() > nextReport) {
                out.println("  waiting: " + (p == null ? "no BGP server yet" : p));
                nextReport += Duration.ofSeconds(2).toNanos();
            }
            Thread.sleep(100);
        }
        return "Not converged on " + backend + " after " + waitSeconds + " s: "
                + (p == null ? "no BGP server" : p) + " (see log/herald.log)";
    }

    private List<String> registeredBackends() throws InvalidSyntaxException {
        TreeSet<String> out = new TreeSet<>();
        for (ServiceReference<BgpServerFactory> r : context.getServiceReferences(BgpServerFactory.class, null)) {
            Object b = r.getProperty(BgpServerFactory.BACKEND_PROPERTY);
            if (b != null) {
                out.add(b.toString());
            }
        }
        return new ArrayList<>(out);
    }

    private String configuredBackend() throws IOException {
        Configuration c = configAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> p = c.getProperties();
        Object b = p == null ? null : p.get("backend");
        return b == null || b.toString().isBlank() ? "native" : b.toString().strip();
    }

    /**
     * Sets {@code backend} where it lives: in etc/herald.cfg when the configuration came from there (FileInstall
     * applies it, and the choice survives a restart), else in Configuration Admin alone.
     */
    private String setBackend(String backend) throws IOException {
        Configuration c = configAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> props = c.getProperties();
        Object file = props == null ? null : props.get(FILEINSTALL_FILENAME);
        Optional<Path> path = Optional.ofNullable(file).map(f -> f.toString().startsWith("file:")
                ? Path.of(URI.create(f.toString())) : Path.of(f.toString()));
        if (path.isPresent() && Files.isWritable(path.get())) {
            writeBackend(path.get(), backend);
            return "written to " + path.get();
        }
        Dictionary<String, Object> next = new Hashtable<>();
        if (props != null) {
            for (var keys = props.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                next.put(k, props.get(k));
            }
        }
        next.put("backend", backend);
        c.update(next);
        return "set in Configuration Admin only: edit etc/herald.cfg to keep it after a restart";
    }

    /** Replaces the {@code backend} line of a .cfg file (or adds one), in one atomic step as an editor would. */
    static void writeBackend(Path cfg, String backend) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(cfg));
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            if (BACKEND_LINE.matcher(lines.get(i)).matches()) {
                lines.set(i, replaced ? "" : "backend = " + backend);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add("backend = " + backend);
        }
        Path tmp = cfg.resolveSibling("." + cfg.getFileName() + ".tmp");
        Files.writeString(tmp, String.join("\n", lines) + "\n");
        Files.move(tmp, cfg, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
