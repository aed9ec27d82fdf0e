package dev.herald.it.deploy;

import dev.herald.it.peers.Commands;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Plays the kubelet and the DaemonSet controller for one node, with podman: turns the DaemonSet's Pod template, as
 * the API server has it, into a Pod object and a {@code podman run} that keeps every setting a kubelet applies —
 * image, command, args, env (downward API included), ConfigMap and Secret volumes, emptyDirs, host network, memory
 * and CPU limits, capabilities, read-only root filesystem, no privilege escalation — and stops it the way a kubelet
 * does (SIGTERM, then SIGKILL after the grace period). The one difference from a kubelet: the emulated API server
 * speaks plain HTTP, so the service-account mount is accompanied by {@code KUBERNETES_MASTER} (the API's http URL)
 * rather than {@code KUBERNETES_SERVICE_HOST}/{@code _PORT}, from which a client would build an https URL.
 */
final class PodmanKubelet {
    static final Duration PODMAN = Duration.ofSeconds(120);

    /** A Pod this kubelet runs: its API object and its container. */
    record RunningPod(String name, String container, Pod pod, Container spec, long gracePeriodSeconds) {
        /** The URL of one of the container's HTTP probes (host, port, path as the manifest says). */
        URI probeUrl(boolean readiness) {
            Probe probe = readiness ? spec.getReadinessProbe() : spec.getLivenessProbe();
            HTTPGetAction get = probe.getHttpGet();
            String host = get.getHost() == null ? "127.0.0.1" : get.getHost();
            return URI.create("http://" + host + ":" + get.getPort().getIntVal() + get.getPath());
        }

        /** The PID of the container's process 1 on the host (the agent's JVM). */
        long hostPid() throws IOException, InterruptedException {
            return Long.parseLong(Commands.run(PODMAN, List.of("podman", "inspect", "-f", "{{.State.Pid}}",
                    container)).trim());
        }
    }

    /**
     * How a stopped container ended. {@code runningUntilStopped} is false when it had exited before (an OOM kill
     * among other things: podman does not always tell OOM kills apart on cgroup v1, and exit code 137 does).
     */
    record Stopped(boolean runningUntilStopped, int exitCode, boolean oomKilled, Duration took) {
    }

    private final KubernetesClient client;
    private final String apiUrl;
    private final Path dir;
    private final String node;
    /** The service-account token this kubelet mounts: how the API server's request log tells the agent apart. */
    private final String token = "sa-token-" + UUID.randomUUID();

    PodmanKubelet(KubernetesClient client, String apiUrl, Path dir, String node) {
        this.client = client;
        this.apiUrl = apiUrl;
        this.dir = dir;
        this.node = node;
    }

    String token() {
        return token;
    }

    /** Creates a Pod of {@code ds}'s current template on this node, as its controller would, and starts it. */
    RunningPod start(DaemonSet ds, String podName) throws IOException, InterruptedException {
        PodSpec spec = ds.getSpec().getTemplate().getSpec();
        String namespace = ds.getMetadata().getNamespace();
        Map<String, String> labels = new LinkedHashMap<>(ds.getSpec().getTemplate().getMetadata().getLabels());
        labels.put("pod-template-generation", Long.toString(ds.getMetadata().getGeneration()));
        Pod pod = client.pods().resource(new PodBuilder().withNewMetadata().withName(podName)
                .withNamespace(namespace).withLabels(labels).addNewOwnerReference().withApiVersion("apps/v1")
                .withKind("DaemonSet").withName(ds.getMetadata().getName()).withUid(ds.getMetadata().getUid())
                .withController(true).endOwnerReference().endMetadata().withSpec(spec).editSpec().withNodeName(node)
                .endSpec().build()).create();
        if (spec.getContainers().size() != 1) {
            throw new IllegalStateException("expected one container in the DaemonSet, got " + spec.getContainers());
        }
        if (!Boolean.TRUE.equals(spec.getHostNetwork())) {
            throw new IllegalStateException("this kubelet runs hostNetwork Pods only");
        }
        Container c = spec.getContainers().get(0);
        String name = podName + "_" + c.getName();
        Commands.exec(PODMAN, List.of("podman", "rm", "-f", name));
        List<String> cmd = new ArrayList<>(List.of("podman", "run", "-d", "--name", name, "--network", "host",
                "--pull", "never", "--read-only-tmpfs=false"));
        env(cmd, pod, c);
        volumes(cmd, pod, c, namespace);
        security(cmd, spec, c);
        resources(cmd, c);
        if (c.getCommand() != null && !c.getCommand().isEmpty()) {
            cmd.add("--entrypoint");
            cmd.add(json(c.getCommand()));
        }
        cmd.add(c.getImage());
        if (c.getArgs() != null) {
            cmd.addAll(c.getArgs());
        }
        Commands.run(PODMAN, cmd);
        long grace = spec.getTerminationGracePeriodSeconds() == null ? 30 : spec.getTerminationGracePeriodSeconds();
        return new RunningPod(podName, name, pod, c, grace);
    }

    /**
     * Deletes the Pod as the API server and kubelet do: the Pod is marked terminating, its container gets SIGTERM
     * and at most the grace period to exit, then the Pod object goes.
     */
    Stopped stop(RunningPod p) throws IOException, InterruptedException {
        client.pods().inNamespace(p.pod().getMetadata().getNamespace()).withName(p.name()).edit(pod -> {
            pod.getMetadata().setDeletionTimestamp(Instant.now().toString());
            pod.getMetadata().setDeletionGracePeriodSeconds(p.gracePeriodSeconds());
            return pod;
        });
        boolean running = Boolean.parseBoolean(Commands.run(PODMAN, List.of("podman", "inspect", "-f",
                "{{.State.Running}}", p.container())).trim());
        long t0 = System.nanoTime();
        Commands.run(PODMAN, List.of("podman", "stop", "-t", Long.toString(p.gracePeriodSeconds()), p.container()));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("[kubelet] %s stopped in %d ms; its last words:%n%s%n", p.name(), took.toMillis(),
                Commands.exec(PODMAN, List.of("podman", "logs", "--tail", "12", p.container())).output());
        String[] state = Commands.run(PODMAN, List.of("podman", "inspect", "-f",
                "{{.State.ExitCode}} {{.State.OOMKilled}}", p.container())).trim().split(" ");
        client.pods().inNamespace(p.pod().getMetadata().getNamespace()).withName(p.name()).withGracePeriod(0)
                .delete();
        return new Stopped(running, Integer.parseInt(state[0]), Boolean.parseBoolean(state[1]), took);
    }

    /** What the container printed, for a failing test's message. */
    String logs(RunningPod p) throws IOException, InterruptedException {
        return Commands.exec(PODMAN, List.of("podman", "logs", "--tail", "200", p.container())).output();
    }

    void remove(RunningPod p) throws IOException, InterruptedException {
        Commands.exec(PODMAN, List.of("podman", "rm", "-f", "-t", "0", p.container()));
    }

    private void env(List<String> cmd, Pod pod, Container c) {
        // the kubelet's own: where the API is (see the class comment)
        cmd.add("--env");
        cmd.add("KUBERNETES_MASTER=" + apiUrl);
        if (c.getEnv() == null) {
            return;
        }
        for (EnvVar e : c.getEnv()) {
            String value = e.getValue();
            if (e.getValueFrom() != null) {
                if (e.getValueFrom().getFieldRef() == null) {
                    throw new IllegalStateException("env " + e.getName() + ": only fieldRef is emulated");
                }
                value = field(pod, e.getValueFrom().getFieldRef().getFieldPath());
            }
            cmd.add("--env");
            cmd.add(e.getName() + "=" + (value == null ? "" : value));
        }
    }

    private String field(Pod pod, String path) {
        return switch (path) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> pod.getMetadata().getUid();
            case "spec.nodeName" -> node;
            case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
            case "status.hostIP", "status.podIP" -> "127.0.0.1";
            default -> throw new IllegalStateException("downward API field " + path + " is not emulated");
        };
    }

    private void volumes(List<String> cmd, Pod pod, Container c, String namespace) throws IOException {
        Path podDir = Files.createDirectories(dir.resolve(pod.getMetadata().getName()));
        if (!Boolean.FALSE.equals(pod.getSpec().getAutomountServiceAccountToken())) {
            Path sa = Files.createDirectories(podDir.resolve("serviceaccount"));
            Files.writeString(sa.resolve("token"), token);
            Files.writeString(sa.resolve("namespace"), namespace);
            Files.writeString(sa.resolve("ca.crt"), "");
            mount(cmd, sa, "/var/run/secrets/kubernetes.io/serviceaccount", true);
        }
        for (VolumeMount m : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
            Volume v = pod.getSpec().getVolumes().stream().filter(x -> x.getName().equals(m.getName())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no volume " + m.getName()));
            boolean readOnly = Boolean.TRUE.equals(m.getReadOnly());
            if (v.getEmptyDir() != null) {
                // on the node's disk, as a kubelet keeps an emptyDir; in memory (charged to the container) only
                // when the manifest asks for medium: Memory
                if ("Memory".equals(v.getEmptyDir().getMedium())) {
                    cmd.add("--mount");
                    cmd.add("type=tmpfs,destination=" + m.getMountPath());
                } else {
                    mount(cmd, Files.createDirectories(podDir.resolve("empty-dirs").resolve(v.getName())),
                            m.getMountPath(), readOnly);
                }
                continue;
            }
            Map<String, byte[]> files = new LinkedHashMap<>();
            List<KeyToPath> items;
            if (v.getConfigMap() != null) {
                ConfigMap cm = client.configMaps().inNamespace(namespace).withName(v.getConfigMap().getName()).get();
                cm.getData().forEach((k, s) -> files.put(k, s.getBytes(StandardCharsets.UTF_8)));
                items = v.getConfigMap().getItems();
                readOnly = true;
            } else if (v.getSecret() != null) {
                Secret s = client.secrets().inNamespace(namespace).withName(v.getSecret().getSecretName()).get();
                s.getData().forEach((k, b64) -> files.put(k, Base64.getDecoder().decode(b64)));
                items = v.getSecret().getItems();
                readOnly = true;
            } else {
                throw new IllegalStateException("volume " + v.getName() + ": only emptyDir, configMap and secret "
                        + "are emulated");
            }
            Path vol = Files.createDirectories(podDir.resolve("volumes").resolve(v.getName()));
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                String path = f.getKey();
                if (items != null && !items.isEmpty()) {
                    path = items.stream().filter(i -> i.getKey().equals(f.getKey())).map(KeyToPath::getPath)
                            .findFirst().orElse(null);
                }
                if (path != null) {
                    Files.createDirectories(vol.resolve(path).getParent());
                    Files.write(vol.resolve(path), f.getValue());
                }
            }
            Path source = m.getSubPath() == null || m.getSubPath().isEmpty() ? vol : vol.resolve(m.getSubPath());
            mount(cmd, source, m.getMountPath(), readOnly);
        }
    }

    private static void mount(List<String> cmd, Path source, String target, boolean readOnly) {
        cmd.add("--volume");
        cmd.add(source + ":" + target + (readOnly ? ":ro" : ""));
    }

    private static void security(List<String> cmd, PodSpec pod, Container c) {
        SecurityContext sc = c.getSecurityContext();
        Long user = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser()
                : pod.getSecurityContext() == null ? null : pod.getSecurityContext().getRunAsUser();
        if (user != null) {
            cmd.add("--user");
            cmd.add(user.toString());
        }
        if (sc == null) {
            return;
        }
        if (Boolean.TRUE.equals(sc.getPrivileged())) {
            cmd.add("--privileged");
        }
        if (Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
            cmd.add("--read-only");
        }
        if (Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
            cmd.add("--security-opt");
            cmd.add("no-new-privileges");
        }
        Capabilities caps = sc.getCapabilities();
        if (caps != null) {
            for (String drop : caps.getDrop()) {
                cmd.add("--cap-drop");
                cmd.add(drop);
            }
            for (String add : caps.getAdd()) {
                cmd.add("--cap-add");
                cmd.add(add);
            }
        }
    }

    private static void resources(List<String> cmd, Container c) {
        if (c.getResources() == null || c.getResources().getLimits() == null) {
            return;
        }
        Quantity memory = c.getResources().getLimits().get("memory");
        if (memory != null) {
            long bytes = Quantity.getAmountInBytes(memory).longValueExact();
            cmd.add("--memory");
            cmd.add(Long.toString(bytes));
            cmd.add("--memory-swap"); // no swap, as on a kubelet's node
            cmd.add(Long.toString(bytes));
        }
        Quantity cpu = c.getResources().getLimits().get("cpu");
        if (cpu != null) {
            cmd.add("--cpus");
            cmd.add(Quantity.getAmountInBytes(cpu).toPlainString());
        }
    }

    private static String json(List<String> words) {
        StringBuilder sb = new StringBuilder("[");
        for (String w : words) {
            sb.append(sb.length() == 1 ? "" : ",").append('"').append(w.replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return sb.append(']').toString();
    }
}
