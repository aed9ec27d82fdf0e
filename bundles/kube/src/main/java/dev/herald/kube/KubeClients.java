package dev.herald.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;

/**
 * Builds a fabric8 client that works inside OSGi (docs/development.md, pitfalls 13–16): the JDK HTTP client
 * factory passed explicitly, the bundle's class loader as context class loader while building and on every worker
 * thread, and a short watch-reconnect back-off so changes made while the API server was away are seen within
 * seconds.
 */
public final class KubeClients {
    /** First watch-reconnect delay; fabric8 doubles it up to 32 times this (8 s). */
    static final int WATCH_RECONNECT_MS = 250;

    private KubeClients() {
    }

    /**
     * @param kubeconfig a kubeconfig file, or null for in-cluster configuration (service account)
     */
    public static KubernetesClient create(Path kubeconfig, ExecutorService executor) throws IOException {
        Config base = kubeconfig == null ? Config.autoConfigure(null)
                : Config.fromKubeconfig(null, Files.readString(kubeconfig, StandardCharsets.UTF_8),
                        kubeconfig.toString());
        Config config = new ConfigBuilder(base).withWatchReconnectInterval(WATCH_RECONNECT_MS)
                .withWatchReconnectLimit(-1).build();
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(KubernetesClientBuilder.class.getClassLoader());
        try {
            return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(httpClientFactory(config))
                    .withTaskExecutor(executor).build();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    /**
     * The JDK HTTP client. Against a plain-http API server (tests, the simulator; never a real cluster, which speaks
     * TLS and negotiates HTTP/2 by ALPN) it stays on HTTP/1.1: the JDK client's h2c upgrade of plain connections
     * was seen to stall requests under concurrent watches.
     */
    public static JdkHttpClientFactory httpClientFactory(Config config) {
        if (config.getMasterUrl() == null || !config.getMasterUrl().startsWith("http://")) {
            return new JdkHttpClientFactory();
        }
        return new JdkHttpClientFactory() {
            @Override
            protected void additionalConfig(java.net.http.HttpClient.Builder builder) {
                builder.version(java.net.http.HttpClient.Version.HTTP_1_1);
            }
        };
    }

    /** Daemon threads whose context class loader is fabric8's, so its ServiceLoader lookups find the models. */
    public static ExecutorService executor(String name) {
        ClassLoader cl = KubernetesClientBuilder.class.getClassLoader();
        return java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread th = new Thread(r, name);
            th.setDaemon(true);
            th.setContextClassLoader(cl);
            return th;
        });
    }
}
