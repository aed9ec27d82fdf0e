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
            s.createContext("/healthz", ex -> safely(ex, this::healthz));
            s.createContext("/readyz", ex -> safely(ex, this::readyz));
            s.createContext("/bundles", ex -> safely(ex, e -> sendJson(e, Views.bundles(context))));
            s.createContext("/components", ex -> safely(ex, e -> sendJson(e, Views.components(scr))));
            s.createContext("/bgppolicy", ex -> safely(ex, e -> bgp(e, a -> BgpViews.policy(a))));
            s.createContext("/bgppeers", ex -> safely(ex, e -> bgp(e, a -> BgpViews.peers(a,
                    BgpViews.Query.parse(e.getRequestURI().getRawQuery(), false)))));
            s.createContext("/bgproutes", ex -> safely(ex, e -> bgp(e, a -> BgpViews.routes(a,
                    BgpViews.Query.parse(e.getRequestURI().getRawQuery(), true)))));
            s.createContext("/", ex -> safely(ex, e -> send(e, 404, "text/plain",
                    "not found; try /healthz, /readyz, /bundles, /components, /bgppolicy, /bgppeers or /bgproutes\n")));
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

    private void healthz(HttpExchange ex) throws IOException {
        boolean up = context.getBundle(0).getState() == Bundle.ACTIVE;
        send(ex, up ? 200 : 503, "text/plain", up ? "ok\n" : "framework is stopping\n");
    }

    private void readyz(HttpExchange ex) throws IOException {
        List<String> problems = new Readiness(context, scr).problems();
        boolean verbose = query(ex.getRequestURI()).contains("verbose");
        StringBuilder body = new StringBuilder();
        if (verbose || !problems.isEmpty()) {
            body.append(problems.isEmpty() ? "[+]bundles ok\n[+]components ok\n" : "");
            problems.forEach(p -> body.append("[-]").append(p).append('\n'));
        }
        body.append(problems.isEmpty() ? "ok\n" : "not ready\n");
        send(ex, problems.isEmpty() ? 200 : 503, "text/plain", body.toString());
    }

    private interface BgpView {
        Object render(AgentStatus agent) throws BgpViews.Failure;
    }

    /** Antrea's error contract: 404 without an effective policy, 400 for a bad query, 500 otherwise. */
    private void bgp(HttpExchange ex, BgpView view) throws IOException {
        AgentStatus a = agent;
        if (a == null) {
            send(ex, 503, "text/plain", "the BGPPolicy controller is not running (see /readyz)\n");
            return;
        }
        try {
            sendJson(ex, view.render(a));
        } catch (BgpViews.Failure f) {
            send(ex, f.status, "text/plain", f.getMessage() + "\n");
        }
    }

    private void sendJson(HttpExchange ex, Object value) throws IOException {
        send(ex, 200, "application/json", json.writeValueAsString(value) + "\n");
    }

    private static String query(URI uri) {
        return uri.getRawQuery() == null ? "" : uri.getRawQuery();
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    /** A handler that throws answers 500 with the cause instead of dropping the connection. */
    private static void safely(HttpExchange ex, Handler h) {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                send(ex, 405, "text/plain", "only GET is supported\n");
                return;
            }
            h.handle(ex);
        } catch (Exception e) {
            LOG.warn("Status API {} failed: {}", ex.getRequestURI(), e.toString());
            try {
                send(ex, 500, "text/plain", e + "\n");
            } catch (IOException ignored) {
                // the client is gone
            }
        }
    }
}
