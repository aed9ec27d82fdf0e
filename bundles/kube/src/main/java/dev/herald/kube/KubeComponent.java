package dev.herald.kube;

import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.ClusterWriter;
import dev.herald.api.spi.ShutdownAdvisor;
import dev.herald.api.spi.Telemetry;
import dev.herald.support.Telemetries;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.concurrent.ExecutorService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects to the cluster as a node agent does and offers {@link ClusterState} and {@link ClusterWriter}: the
 * kubeconfig from {@code kube.kubeconfig} in etc/herald.cfg, else {@code KUBECONFIG}, else the in-cluster service
 * account; the Node from {@code kube.nodeName} or {@code NODE_NAME}; the namespace of the password Secret from
 * {@code kube.namespace} or {@code POD_NAMESPACE}, else kube-system. Without a cluster to talk to it registers
 * nothing and says why, and the agent stays not ready.
 */
// REQUIRE: wait for etc/herald.cfg (always there in the distribution) instead of starting once without it
@Component(configurationPid = "herald", configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
public final class KubeComponent {
    private static final Logger LOG = LoggerFactory.getLogger(KubeComponent.class);
    private static final Path IN_CLUSTER_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    /** The keys of PID {@code herald} this component reads. */
    public @interface Config {
        String kube_kubeconfig() default "";

        String kube_nodeName() default "";

        String kube_namespace() default "";

        /** How BGP sessions end when the agent stops: auto, cease or graceful-restart (docs/deploy.md). */
        String shutdown_mode() default "auto";
    }

    private final BundleContext context;
    /** The kube.* settings in use; other keys of PID herald (backend, status.address) do not concern this one. */
    private List<String> settings;
    private ExecutorService executor;
    private KubernetesClient client;
    private InformerClusterState state;
    private ServiceRegistration<?> stateRegistration;
    private ServiceRegistration<?> writerRegistration;
    private KubeShutdownAdvisor advisor;
    private ServiceRegistration<?> advisorRegistration;

    private final Telemetries telemetry = new Telemetries();

    /** Watch events go to the metrics bundle's recorders, when it runs (docs/metrics.md). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTelemetry(Telemetry t) {
        telemetry.add(t);
    }

    void removeTelemetry(Telemetry t) {
        telemetry.remove(t);
    }

    @Activate
    public KubeComponent(BundleContext context, Config config) {
        this.context = context;
        connect(config);
    }

    /**
     * etc/herald.cfg changed. Only a change of a kube.* key reconnects: re-registering the cluster state for, say, a
     * backend switch would restart the controller in the middle of it.
     */
    @Modified
    synchronized void modified(Config config) {
        if (advisor != null) {
            advisor.mode(KubeShutdownAdvisor.Mode.parse(config.shutdown_mode()));
        }
        if (settingsOf(config).equals(settings)) {
            return;
        }
        LOG.info("Kubernetes settings changed ({} -> {}): reconnecting", settings, settingsOf(config));
        deactivate();
        connect(config);
    }

    private static List<String> settingsOf(Config config) {
        return Arrays.asList(config.kube_kubeconfig(), config.kube_nodeName(), config.kube_namespace());
    }

    private synchronized void connect(Config config) {
        settings = settingsOf(config);
        String namespace = first(config.kube_namespace(), System.getenv("POD_NAMESPACE"));
        if (namespace == null) {
            namespace = "kube-system";
        }
        connect(config, namespace);
        // with or without a cluster: shutdown.mode = cease or graceful-restart needs none, auto then means a Cease
        advisor = new KubeShutdownAdvisor(KubeShutdownAdvisor.Mode.parse(config.shutdown_mode()), client, executor,
                namespace, client == null ? null : first(null, System.getenv("POD_NAME")));
        advisorRegistration = context.registerService(ShutdownAdvisor.class, advisor, new Hashtable<>());
    }

    /** Connects to the cluster, or says why not and leaves {@link #client} null. */
    private void connect(Config config, String namespace) {
        String node = first(config.kube_nodeName(), System.getenv("NODE_NAME"));
        String kubeconfig = first(config.kube_kubeconfig(), System.getenv("KUBECONFIG"));
        if (node == null) {
            LOG.warn("NODE_NAME is not set (nor kube.nodeName in etc/herald.cfg): Herald does not know which Node "
                    + "it runs on and will not advertise anything");
            return;
        }
        if (kubeconfig == null && !Files.exists(IN_CLUSTER_TOKEN)) {
            LOG.warn("No Kubernetes API to talk to: set KUBECONFIG (or kube.kubeconfig in etc/herald.cfg), or run "
                    + "in a Pod with a service account");
            return;
        }
        // fabric8 finds its model classes through the context class loader (docs/development.md, pitfall 15): on
        // this thread too, or it may pick up another copy of fabric8 (a test's class path) and fail with "not a
        // subtype"
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(io.fabric8.kubernetes.client.KubernetesClientBuilder.class.getClassLoader());
        try {
            executor = KubeClients.executor("herald-kube");
            client = KubeClients.create(kubeconfig == null ? null : Path.of(kubeconfig), executor);
            KubeClusterWriter writer = new KubeClusterWriter(client, executor);
            state = new InformerClusterState(client, node, namespace).telemetry(telemetry).reportingTo(writer).start();
            stateRegistration = context.registerService(ClusterState.class, state, new Hashtable<>());
            writerRegistration = context.registerService(ClusterWriter.class, writer, new Hashtable<>());
            LOG.info("Watching Kubernetes at {} as Node {} (password Secret in {})", client.getMasterUrl(), node,
                    namespace);
        } catch (IOException | RuntimeException | ServiceConfigurationError e) {
            LOG.error("Cannot connect to Kubernetes (kubeconfig {}): {}", kubeconfig == null ? "in-cluster"
                    : kubeconfig, e.getMessage());
            deactivate();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Deactivate
    synchronized void deactivate() {
        if (advisorRegistration != null) {
            advisorRegistration.unregister();
            advisorRegistration = null;
            advisor = null;
        }
        if (writerRegistration != null) {
            writerRegistration.unregister();
            writerRegistration = null;
        }
        if (stateRegistration != null) {
            stateRegistration.unregister();
            stateRegistration = null;
        }
        if (state != null) {
            state.close();
            state = null;
        }
        if (client != null) {
            client.close();
            client = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    private static String first(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a.trim();
        }
        return b == null || b.isBlank() ? null : b.trim();
    }
}
