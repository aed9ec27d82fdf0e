package dev.herald.kube;

import dev.herald.api.spi.ShutdownAdvisor;
import dev.herald.api.spi.StopMode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how the BGP sessions end when the agent stops, as {@code shutdown.mode} in etc/herald.cfg says
 * (docs/deploy.md, "Upgrades without a flap"): {@code cease}, {@code graceful-restart}, or {@code auto}, which asks
 * the API server whether a rolling update of the agent's DaemonSet replaces this Pod ({@link PodReplacement}).
 */
final class KubeShutdownAdvisor implements ShutdownAdvisor {
    private static final Logger LOG = LoggerFactory.getLogger(KubeShutdownAdvisor.class);
    /**
     * How long the agent's stop may wait for the API server before it decides without it: well within the agent's
     * 10 s to stop, and long enough for an agent busy sending a large table on a CPU-limited node.
     */
    static final long ASK_TIMEOUT_MS = 5000;

    /** The values of {@code shutdown.mode}. */
    enum Mode {
        AUTO, CEASE, GRACEFUL_RESTART;

        /** The mode a setting names; unknown values are reported and read as {@code auto}. */
        static Mode parse(String setting) {
            String s = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
            switch (s) {
                case "", "auto":
                    return AUTO;
                case "cease":
                    return CEASE;
                case "graceful-restart":
                    return GRACEFUL_RESTART;
                default:
                    LOG.warn("shutdown.mode '{}' in etc/herald.cfg is not auto, cease or graceful-restart: using auto",
                            setting);
                    return AUTO;
            }
        }
    }

    private volatile Mode mode;
    private final KubernetesClient client;
    private final ExecutorService executor;
    private final String namespace;
    private final String podName;

    /**
     * @param client the cluster, or null when the agent runs without one
     * @param podName the agent's Pod ({@code POD_NAME}), or null outside a Pod
     */
    KubeShutdownAdvisor(Mode mode, KubernetesClient client, ExecutorService executor, String namespace,
            String podName) {
        this.mode = mode;
        this.client = client;
        this.executor = executor;
        this.namespace = namespace;
        this.podName = podName;
    }

    void mode(Mode next) {
        mode = next;
    }

    /** The answer given, kept: every backend asks when the agent stops, and the answer must not change. */
    private PodReplacement.Decision decided;

    @Override
    public synchronized StopMode onAgentStop() {
        if (decided != null) {
            return decided.mode();
        }
        PodReplacement.Decision d = decide();
        decided = d;
        LOG.info("Agent stopping: BGP sessions end {} ({})", d.mode() == StopMode.CEASE
                ? "with a Cease, peers drop this node's routes now" : "for a graceful restart, peers keep this "
                        + "node's routes until the next agent has sent its table", d.reason());
        return d.mode();
    }

    private PodReplacement.Decision decide() {
        switch (mode) {
            case CEASE:
                return new PodReplacement.Decision(StopMode.CEASE, "shutdown.mode = cease");
            case GRACEFUL_RESTART:
                return new PodReplacement.Decision(StopMode.GRACEFUL_RESTART, "shutdown.mode = graceful-restart");
            default:
                break;
        }
        if (client == null || podName == null) {
            return new PodReplacement.Decision(StopMode.CEASE, "shutdown.mode = auto outside a Pod (no POD_NAME or "
                    + "no cluster)");
        }
        try {
            return CompletableFuture.supplyAsync(this::askCluster, executor)
                    .get(ASK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unknown(e.toString());
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof KubernetesClientException k && (k.getCode() == 401 || k.getCode() == 403)) {
                // the agent's service account or its roles are gone: Herald is being uninstalled
                return new PodReplacement.Decision(StopMode.CEASE, "the API server no longer lets the agent read "
                        + "its Pod (HTTP " + k.getCode() + "): Herald is being uninstalled");
            }
            return unknown(cause.toString());
        }
    }

    private PodReplacement.Decision askCluster() {
        Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
        return PodReplacement.decide(pod, name -> client.apps().daemonSets().inNamespace(namespace).withName(name)
                .get());
    }

    /** Never withdraw on ignorance: peers keep the routes for their restart time, then drop them. */
    private static PodReplacement.Decision unknown(String why) {
        return new PodReplacement.Decision(StopMode.GRACEFUL_RESTART, "the API server could not say whether this Pod "
                + "is replaced: " + why);
    }
}
