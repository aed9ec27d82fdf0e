package dev.herald.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.TcpProxy;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

/** The informers through a proxy that takes the API server away and gives it back, as an outage would. */
class ApiOutageTest {
    @Test
    void nothingIsLostDuringAnOutageAndChangesMadeMeanwhileArriveAfterIt() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new StallFreeDispatcher(), false);
        server.init();
        KubernetesClient admin = server.createClient();
        int port = URI.create(server.url("/")).getPort();
        try (TcpProxy proxy = new TcpProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            Config cfg = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + proxy.port())
                    .withWatchReconnectInterval(KubeClients.WATCH_RECONNECT_MS).withWatchReconnectLimit(-1).build();
            KubernetesClient agent = new KubernetesClientBuilder().withConfig(cfg)
                    .withHttpClientFactory(new JdkHttpClientFactory()).build();
            InformerClusterState state = new InformerClusterState(agent, "node1", "kube-system").start();
            try {
                admin.services().inNamespace("default").resource(service("a", "10.96.0.1")).create();
                await().atMost(Duration.ofSeconds(10)).until(() -> state.synced() && state.service("default/a").isPresent());
                assertThat(state.apiReachable()).isTrue();

                proxy.cut();
                admin.services().inNamespace("default").withName("a").delete();
                // the admin's client retries a request the busy mock answered late: a retried create finds b made
                admin.services().inNamespace("default").resource(service("b", "10.96.0.2")).createOr(x -> x.update());
                Thread.sleep(6000);
                assertThat(state.service("default/a")).as("kept while the API server is away").isPresent();
                assertThat(state.synced()).isTrue();
                assertThat(state.apiReachable()).as("what herald_kubernetes_api_up reads").isFalse();

                proxy.restore();
                long t0 = System.nanoTime();
                await().atMost(Duration.ofSeconds(10)).until(() -> state.service("default/a").isEmpty()
                        && state.service("default/b").isPresent());
                System.out.printf("caught up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
                assertThat(state.apiReachable()).isTrue();
            } finally {
                state.close();
                agent.close();
            }
        } finally {
            admin.close();
            server.destroy();
        }
    }

    private static io.fabric8.kubernetes.api.model.Service service(String name, String ip) {
        return new ServiceBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withClusterIP(ip).withClusterIPs(ip).addNewPort().withPort(80).endPort().endSpec().build();
    }
}
