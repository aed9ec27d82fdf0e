package dev.herald.ops;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.herald.api.Confederation;
import dev.herald.api.EffectivePolicy;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.api.spi.AgentStatus;
import dev.herald.testing.FuzzBounds;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.framework.dto.BundleDTO;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Fuzzes the status API's request handling, {@link StatusServer#respond}, with arbitrary request lines
 * (docs/robustness.md, Fuzzing).
 *
 * <p>Input: byte 0 picks the agent's state ({@code '0'} no controller, {@code '1'} no effective policy, else a
 * policy with IPv4 and IPv6 peers and routes); the rest is an HTTP request line, {@code METHOD SP target SP
 * version}, split as the JDK's server splits it. A target the JDK refuses itself (not a URI: it answers 400; no
 * path) never reaches Herald and is skipped; the context is chosen as the JDK's server chooses it, the longest
 * registered context that starts the path.
 *
 * <p>Invariants: {@code respond} throws nothing (an exception would be a 500); every answer is 200, 400, 404, 405
 * or 503; each request takes under a second and allocates at most {@value #BYTES_PER_INPUT_BYTE} bytes per input
 * byte plus {@value #CONSTANT_BYTES} (the views render a fixed state).
 */
class StatusServerFuzzTest {
    /**
     * The query parser itself allocates about 14 bytes per input byte; in a campaign Jazzer's hooks on the string
     * comparisons and the split it makes allocate on the same thread, about 350 bytes per byte of a long query.
     */
    static final long BYTES_PER_INPUT_BYTE = 1024;
    static final long CONSTANT_BYTES = 256 * 1024;
    private static final Set<Integer> DECLARED = Set.of(200, 400, 404, 405, 503);

    private static final StatusServer NO_CONTROLLER = server(null);
    private static final StatusServer NO_POLICY = server(agent(Optional.empty()));
    private static final StatusServer RUNNING = server(agent(Optional.of(new EffectivePolicy("edge-nodes",
            GlobalConfig.of(64512, "10.0.0.1").withConfederation(new Confederation(65000, Set.of(64513L)))))));

    static {
        for (String context : StatusServer.CONTEXTS) {
            RUNNING.respond(context, "GET", URI.create(context + "?ipv4-only"));
        }
    }

    @FuzzTest(maxDuration = "10m")
    void handleRequest(byte[] input) throws Exception {
        if (input.length < 1) {
            return;
        }
        StatusServer server = switch (input[0]) {
            case '0' -> NO_CONTROLLER;
            case '1' -> NO_POLICY;
            default -> RUNNING;
        };
        String line = new String(input, 1, input.length - 1, StandardCharsets.ISO_8859_1);
        int space = line.indexOf(' ');
        if (space < 0) {
            return; // the JDK's server answers 400 itself
        }
        String method = line.substring(0, space);
        int end = line.indexOf(' ', space + 1);
        String target = end < 0 ? line.substring(space + 1) : line.substring(space + 1, end);
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            return; // the JDK's server answers 400 itself
        }
        if (uri.getPath() == null) {
            return; // an opaque URI: the JDK's server finds no context and never calls Herald
        }
        String context = contextFor(uri.getPath());
        if (context == null) {
            return; // no context matches (a path not starting with "/"): the JDK's server answers 404 itself
        }
        StatusServer.Response r = FuzzBounds.check("answering " + line, input.length, BYTES_PER_INPUT_BYTE,
                CONSTANT_BYTES, () -> server.respond(context, method, uri));
        if (!DECLARED.contains(r.status()) || r.body() == null || r.body().isEmpty()) {
            throw new AssertionError(line + " answered " + r);
        }
    }

    /** The longest registered context that starts the path: how the JDK 17 server picks a context. */
    private static String contextFor(String path) {
        String best = null;
        for (String c : StatusServer.CONTEXTS) {
            if (path.startsWith(c) && (best == null || c.length() > best.length())) {
                best = c;
            }
        }
        return best;
    }

    private static StatusServer server(AgentStatus agent) {
        return new StatusServer(bundleContext(), scr(), agent);
    }

    private static AgentStatus agent(Optional<EffectivePolicy> policy) {
        return new AgentStatus() {
            @Override
            public Optional<EffectivePolicy> effectivePolicy() {
                return policy;
            }

            @Override
            public List<PeerStatus> peers() {
                return List.of(
                        new PeerStatus(PeerConfig.of("192.168.77.200", 65001), SessionState.ESTABLISHED,
                                Optional.of(Instant.now().minusSeconds(4000)), 10, 10, 3, 0),
                        new PeerStatus(PeerConfig.of("fd00:77::200", 65001), SessionState.ACTIVE, Optional.empty(),
                                0, 0, 0, 0));
            }

            @Override
            public List<Route> routes() {
                return List.of(Route.of("10.96.0.10", RouteType.SERVICE_CLUSTER_IP, "default/web"),
                        Route.of("10.244.1.0/24", RouteType.NODE_IPAM_POD_CIDR, null),
                        Route.of("fd00:96::10", RouteType.SERVICE_CLUSTER_IP, "default/web"),
                        Route.of("192.0.2.7", RouteType.EGRESS_IP, "egress-a"));
            }
        };
    }

    /** A framework of two active bundles, Herald's and the system bundle. */
    private static BundleContext bundleContext() {
        Bundle system = bundle(0, "org.apache.felix.framework");
        Bundle herald = bundle(7, "dev.herald.controller");
        return (BundleContext) Proxy.newProxyInstance(StatusServerFuzzTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getBundles" -> new Bundle[] {system, herald};
                    case "getBundle" -> system;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static Bundle bundle(long id, String name) {
        return (Bundle) Proxy.newProxyInstance(StatusServerFuzzTest.class.getClassLoader(),
                new Class<?>[] {Bundle.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> name;
                    case "getVersion" -> new Version(1, 2, 3);
                    case "getState" -> Bundle.ACTIVE;
                    case "getLocation" -> "file:system/" + name + ".jar";
                    case "getHeaders" -> new Hashtable<String, String>();
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    /** One Herald component, active. */
    private static ServiceComponentRuntime scr() {
        ComponentDescriptionDTO d = new ComponentDescriptionDTO();
        d.name = "dev.herald.controller.Controller";
        d.bundle = new BundleDTO();
        d.bundle.symbolicName = "dev.herald.controller";
        d.defaultEnabled = true;
        ComponentConfigurationDTO c = new ComponentConfigurationDTO();
        c.state = ComponentConfigurationDTO.ACTIVE;
        c.description = d;
        return (ServiceComponentRuntime) Proxy.newProxyInstance(StatusServerFuzzTest.class.getClassLoader(),
                new Class<?>[] {ServiceComponentRuntime.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getComponentDescriptionDTOs" -> List.of(d);
                    case "getComponentConfigurationDTOs" -> List.of(c);
                    case "isComponentEnabled" -> true;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
