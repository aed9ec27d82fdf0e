package dev.herald.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** The distribution folder that the build made, and private copies of it for tests to run and change. */
public final class Distribution {
    private Distribution() {
    }

    /** {@code distribution/target/herald-VERSION}, as built by this reactor. */
    public static Path built() {
        String dir = System.getProperty("herald.distribution");
        assertThat(dir).as("system property herald.distribution (set by the pom)").isNotNull();
        Path p = Path.of(dir);
        assertThat(p.resolve("bin/herald")).as("built distribution; run the build through 'verify'").exists();
        return p;
    }

    /**
     * A fresh copy of the built folder (without data/ and log/ contents) under {@code parent}, its metrics endpoint
     * on a free loopback port.
     */
    public static Path copy(Path parent, String name) throws IOException {
        Path source = built();
        Path target = parent.resolve(name);
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path rel = source.relativize(dir);
                Files.createDirectories(target.resolve(rel.toString()));
                boolean runtime = rel.startsWith("data") || rel.startsWith("log");
                return runtime && rel.getNameCount() > 0 ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, target.resolve(source.relativize(file).toString()),
                        StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
        Files.createDirectories(target.resolve("data"));
        Files.createDirectories(target.resolve("log"));
        // tests run several agents on one machine: each gets a port of its own (docs/metrics.md)
        setting(target, "metrics.address", "127.0.0.1:0");
        return target;
    }

    /** Points {@code etc/herald.cfg} of {@code home} at {@code 127.0.0.1:port}, keeping its other settings. */
    public static void setStatusPort(Path home, int port) throws IOException {
        setting(home, "status.address", "127.0.0.1:" + port);
    }

    /** Sets one key of {@code etc/herald.cfg}, as an operator editing the file would. */
    public static void setting(Path home, String key, String value) throws IOException {
        Path cfg = home.resolve("etc/herald.cfg");
        java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(cfg));
        lines.removeIf(l -> l.startsWith(key + " ") || l.startsWith(key + "="));
        lines.add(key + " = " + value);
        writeAtomically(cfg, String.join("\n", lines) + "\n");
    }

    /** Connects the agent of {@code home} to {@code cluster} as Node {@code node}. */
    public static void connect(Path home, dev.herald.it.kube.MockCluster cluster, String node) throws IOException {
        setting(home, "kube.kubeconfig", cluster.kubeconfig().toString());
        setting(home, "kube.nodeName", node);
    }

    /** Replaces a file in one step, as an editor saving it would, so a watcher never sees half of it. */
    public static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static int freePort() throws IOException {
        return dev.herald.it.peers.Daemons.freePort();
    }

    /** Writes a bundle with no code, only a manifest: it installs, resolves and starts like any other. */
    public static void writeBundle(Path jar, String symbolicName, String version, Map<String, String> headers)
            throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", version);
        headers.forEach(a::putValue);
        Path tmp = jar.resolveSibling("." + jar.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Copies a bundle jar under another Bundle-Version (written atomically, so a watcher sees it whole). */
    public static void withVersion(Path jar, Path target, String version) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (java.util.jar.JarInputStream in = new java.util.jar.JarInputStream(Files.newInputStream(jar))) {
            Manifest m = new Manifest(in.getManifest());
            m.getMainAttributes().putValue("Bundle-Version", version);
            try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream j = new JarOutputStream(out, m)) {
                for (java.util.jar.JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    j.putNextEntry(new java.util.jar.JarEntry(e.getName()));
                    in.transferTo(j);
                    j.closeEntry();
                }
            }
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
