package dev.herald.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herald.api.spi.AgentStatus;
import dev.herald.support.ListenAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent's local status API on {@code status.address} (from {@code etc/herald.cfg}, PID {@code herald}; default
 * {@value #DEFAULT_ADDRESS} when the key is absent). Editing the address moves the server at once, without
 * restarting anything else. Without a {@code herald} configuration at all the server does not start.
 *
 * <ul>
 *   <li>{@code /healthz}: 200 {@code ok} while the framework runs.</li>
 *   <li>{@code /readyz}: 200 {@code ok} when every bundle is active and every Herald component satisfied, else 503
 *       with one line per problem; {@code ?verbose} lists what was checked.</li>
 *   <li>{@code /bundles}, {@code /components}: JSON, like Gogo's {@code lb} and {@code scr:list}.</li>
 *   <li>{@code /bgppolicy}, {@code /bgppeers}, {@code /bgproutes}: the BGP state, shaped like Antrea's agent API.</li>
 * </ul>
 */
// REQUIRE: without it the server would bind the default address for a moment before etc/herald.cfg is read,
// taking the port of another agent on this machine.
@Component(configurationPid = "herald", configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class StatusServer {
    /** The component property type of PID {@code herald} for the keys this component owns. */
    public @interface Config {
        /** {@code host:port} of the local status API. */
        String status_address() default DEFAULT_ADDRESS;
    }

    static final String DEFAULT_ADDRESS = "127.0.0.1:8179";
    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private final ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    /** The controller's view, when it runs; the status API answers without it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AgentStatus agent;
    private HttpServer server;
    private ExecutorService executor;
    private String address;

    @Activate
    public StatusServer(BundleContext context, @Reference ServiceComponentRuntime scr, Config config) {
        this.context = context;
        this.scr = scr;
        listen(config.status_address());
    }

    /** A server that does not listen, for tests of {@link #respond}. */
    StatusServer(BundleContext context, ServiceComponentRuntime scr, AgentStatus agent) {
        this.context = context;
        this.scr = scr;
        this.agent = agent;
    }

    @Modified
    void modified(Config config) {
        if (!config.status_address().equals(address)) {
            LOG.info("status.address changed from {} to {}", address, config.status_address());
            close();
            listen(config.status_address());
        }
    }

    @Deactivate
    void deactivate() {
        close();
    }

    private synchronized void listen(String text) {
        address = text;
        InetSocketAddress addr;
        try {
            addr = ListenAddress.parse(text, "status.address");
        } catch (IllegalArgumentException e) {
            LOG.error("Status API not started: {} (fix status.address in etc/herald.cfg)", e.getMessage());
            return;
        }
        try {
            HttpServer s = HttpServer.create(addr, 16);
            for (String path : CONTEXTS) {
                s.createContext(path, ex -> safely(ex, path));
            }
            executor = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "herald-status");
                t.setDaemon(true);
                return t;
            });
            s.setExecutor(executor);
            s.start();
            server = s;
            LOG.info("Status API listening on http://{}", text);
        } catch (IOException e) {
            LOG.error("Status API cannot listen on {}: {} (another agent on this address? set status.address "
                    + "in etc/herald.cfg)", text, e.getMessage());
        }
    }

    private synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    /** The contexts the server registers; the server picks the longest one that starts the request's path. */
    static final List<String> CONTEXTS = List.of("/healthz", "/readyz", "/bundles", "/components", "/bgppolicy",
            "/bgppeers", "/bgproutes", "/");

    /** What the server answers: status, content type (UTF-8 text) and body. */
    record Response(int status, String type, String body) {
        static Response text(int status, String body) {
            return new Response(status, "text/plain", body);
        }
    }

    /**
     * The answer to one request that the server routed to {@code contextPath} (one of {@link #CONTEXTS}). Throws
     * only when a view fails unexpectedly; the server then answers 500.
     */
    Response respond(String contextPath, String method, URI uri) {
        if (!"GET".equals(method)) {
            return Response.text(405, "only GET is supported\n");
        }
        return switch (contextPath) {
            case "/healthz" -> healthz();
            case "/readyz" -> readyz(uri);
            case "/bundles" -> json(Views.bundles(context));
            case "/components" -> json(Views.components(scr));
            case "/bgppolicy" -> bgp(a -> BgpViews.policy(a));
            case "/bgppeers" -> bgp(a -> BgpViews.peers(a, BgpViews.Query.parse(uri.getRawQuery(), false)));
            case "/bgproutes" -> bgp(a -> BgpViews.routes(a, BgpViews.Query.parse(uri.getRawQuery(), true)));
            default -> Response.text(404,
                    "not found; try /healthz, /readyz, /bundles, /components, /bgppolicy, /bgppeers or /bgproutes\n");
        };
    }

    private Response healthz() {
        boolean up = context.getBundle(0).getState() == Bundle.ACTIVE;
        return Response.text(up ? 200 : 503, up ? "ok\n" : "framework is stopping\n");
    }

    private Response readyz(URI uri) {
        List<String> problems = new Readiness(context, scr).problems();
        boolean verbose = query(uri).contains("verbose");
        StringBuilder body = new StringBuilder();
        if (verbose || !problems.isEmpty()) {
            body.append(problems.isEmpty() ? "[+]bundles ok\n[+]components ok\n" : "");
            problems.forEach(p -> body.append("[-]").append(p).append('\n'));
        }
        body.append(problems.isEmpty() ? "ok\n" : "not ready\n");
        return Response.text(problems.isEmpty() ? 200 : 503, body.toString());
    }

    private interface BgpView {
        Object render(AgentStatus agent) throws BgpViews.Failure;
    }

    /** Antrea's error contract: 404 without an effective policy, 400 for a bad query, 500 otherwise. */
    private Response bgp(BgpView view) {
        AgentStatus a = agent;
        if (a == null) {
            return Response.text(503, "the BGPPolicy controller is not running (see /readyz)\n");
        }
        try {
            return json(view.render(a));
        } catch (BgpViews.Failure f) {
            return Response.text(f.status, f.getMessage() + "\n");
        }
    }

    private Response json(Object value) {
        return new Response(200, "application/json", json.writeValueAsString(value) + "\n");
    }

    private static String query(URI uri) {
        return uri.getRawQuery() == null ? "" : uri.getRawQuery();
    }

    private static void send(HttpExchange ex, Response r) throws IOException {
        byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", r.type() + "; charset=utf-8");
        ex.sendResponseHeaders(r.status(), bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Answers a request to {@code contextPath}; a view that throws answers 500 with the cause, not a dropped line. */
    private void safely(HttpExchange ex, String contextPath) {
        try (ex) {
            send(ex, respond(contextPath, ex.getRequestMethod(), ex.getRequestURI()));
        } catch (Exception e) {
            LOG.warn("Status API {} failed: {}", ex.getRequestURI(), e.toString());
            try {
                send(ex, Response.text(500, e + "\n"));
            } catch (IOException ignored) {
                // the client is gone
            }
        }
    }
}
