package dev.herald.kube;

import dev.herald.api.spi.ClusterState.Kind;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety net for watches that die silently (seen with the JDK HTTP client when connections are cut: the
 * WebSocket aborts and nothing reconnects): probe the API server every {@link #PROBE}; when it answers again after
 * failing, or when a watch is not running, list that kind again. Objects missing from the new list are deleted: the
 * API server said so, this is not ignorance. While the API server is away nothing changes. Also tells the listeners
 * once when the first lists are all in.
 */
final class ApiWatchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiWatchdog.class);
    /** How often the API server is probed. */
    static final Duration PROBE = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final String nodeName;
    private final ClusterStore store;
    private final ScheduledExecutorService executor;
    private List<KindWatch<?>> watches = List.of();
    private BooleanSupplier synced = () -> false;
    private KubernetesClient probe;
    private volatile boolean closed;
    private volatile boolean apiDown;
    private volatile boolean syncAnnounced;

    /** @param nodeName the local Node; null when the state serves every Node */
    ApiWatchdog(KubernetesClient client, String nodeName, ClusterStore store) {
        this.client = client;
        this.nodeName = nodeName;
        this.store = store;
        ClassLoader fabric8 = KubernetesClientBuilder.class.getClassLoader();
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-kube-watchdog");
            t.setDaemon(true);
            t.setContextClassLoader(fabric8); // docs/development.md, pitfall 15
            return t;
        });
    }

    /** The watchdog's thread, for other lookups that must not run on an informer's thread. */
    ScheduledExecutorService executor() {
        return executor;
    }

    /** Starts probing; {@code synced} says when every required watch has its first list in. */
    void start(List<KindWatch<?>> watched, BooleanSupplier allSynced) {
        this.watches = List.copyOf(watched);
        this.synced = allSynced;
        executor.scheduleWithFixedDelay(this::check, 200, PROBE.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean apiReachable() {
        return !apiDown;
    }

    private void check() {
        try {
            announceSync();
            probeAndRelist();
        } catch (Throwable t) {
            // a scheduled task that throws is never run again: this one must survive anything
            LOG.warn("Kubernetes watch check failed: {}", t.toString());
        }
    }

    /**
     * Tells listeners once when the first lists are all in: a listener that registered after the informers' first
     * events, and found the state not synced yet, would otherwise wait for the next change to look again.
     */
    private void announceSync() {
        if (!syncAnnounced && synced.getAsBoolean()) {
            syncAnnounced = true;
            store.fire(Kind.NODE, nodeName != null ? Set.of(nodeName) : store.nodeNames());
        }
    }

    private void probeAndRelist() {
        try {
            // a get by name answers (null) even when the Node does not exist: enough to know the API is there
            probeClient().nodes().withName(nodeName != null ? nodeName : "herald-api-probe").get();
        } catch (RuntimeException e) {
            if (closed) {
                return; // the probe's client went away with us (the bundle stops): not an outage
            }
            if (!apiDown) {
                LOG.warn("Kubernetes API unreachable ({}): keeping the last known state until it returns",
                        e.getMessage());
                apiDown = true;
            }
            return;
        }
        boolean cameBack = apiDown;
        apiDown = false;
        if (cameBack) {
            LOG.info("Kubernetes API reachable again: listing everything again");
        }
        for (KindWatch<?> w : watches) {
            w.prunePending();
            // a watch is briefly not running right after a list and while fabric8 reconnects it: restart it only
            // when it has stayed down for two probes in a row (closing a healthy watch costs the server work)
            boolean down = w.synced() && !w.informer.isWatching();
            boolean stayedDown = down && w.seenDown;
            w.seenDown = down && !stayedDown;
            if (cameBack || stayedDown) {
                w.seenDown = false;
                w.restart(cameBack ? "the API server returned" : "its watch stopped");
            }
        }
    }

    /**
     * A client for the probe that fails fast: the main client retries a failed request with back-off for about a
     * hundred seconds, which would hide an outage from the probe for as long.
     */
    KubernetesClient probeClient() {
        if (probe == null) {
            Config c = new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0)
                    .withConnectionTimeout((int) PROBE.toMillis()).withRequestTimeout((int) PROBE.toMillis()).build();
            probe = new KubernetesClientBuilder().withConfig(c).withHttpClientFactory(KubeClients.httpClientFactory(c))
                    .build();
        }
        return probe;
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        if (probe != null) {
            probe.close();
        }
    }
}
