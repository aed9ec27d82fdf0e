package dev.herald.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The folder and the tar.gz that {@code ./mvnw install} leaves, as README.md's "Running the distribution" shows. */
class DistributionLayoutTest {
    private final Path home = Distribution.built();

    @Test
    void hasTheKarafStyleFolders() {
        assertThat(home.resolve("bin/herald")).isRegularFile().isExecutable();
        assertThat(home.resolve("etc/config.properties")).isRegularFile();
        assertThat(home.resolve("etc/herald.cfg")).content().contains("status.address = 127.0.0.1:8179");
        assertThat(home.resolve("etc/logback.xml")).isRegularFile();
        assertThat(home.resolve("deploy")).isDirectory();
        assertThat(home.resolve("data")).isDirectory();
        assertThat(home.resolve("log")).isDirectory();
        assertThat(home.resolve("lib")).isDirectoryContaining("glob:**/herald-launcher-*.jar")
                .isDirectoryContaining("glob:**/org.apache.felix.framework-*.jar");
    }

    @Test
    void everyJarInSystemIsABundle() throws IOException {
        List<Path> jars;
        try (Stream<Path> s = Files.list(home.resolve("system"))) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).toList();
        }
        assertThat(jars).hasSizeGreaterThan(10);
        for (Path jar : jars) {
            try (JarFile j = new JarFile(jar.toFile())) {
                assertThat(j.getManifest()).as(jar.getFileName() + " has a manifest").isNotNull();
                assertThat(j.getManifest().getMainAttributes().getValue("Bundle-SymbolicName"))
                        .as(jar.getFileName() + " is an OSGi bundle").isNotBlank();
            }
        }
        assertThat(jars).extracting(p -> p.getFileName().toString())
                .anyMatch(n -> n.startsWith("org.apache.felix.scr-"))
                .anyMatch(n -> n.startsWith("org.apache.felix.configadmin-"))
                .anyMatch(n -> n.startsWith("org.apache.felix.fileinstall-"))
                .anyMatch(n -> n.startsWith("org.apache.felix.gogo.runtime-"))
                .anyMatch(n -> n.startsWith("org.apache.felix.gogo.shell-"))
                .anyMatch(n -> n.startsWith("org.apache.felix.gogo.command-"))
                .anyMatch(n -> n.startsWith("herald-api-"))
                .anyMatch(n -> n.startsWith("herald-ops-"));
    }

    @Test
    void theSimulatorSharesTheJarsThatSystemAndLibShip() throws IOException {
        Path sim = home.resolve("lib/sim");
        List<String> own;
        try (Stream<Path> s = Files.list(sim)) {
            own = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList();
        }
        assertThat(own).contains("herald-simulator-0.1.0-SNAPSHOT.jar", "herald-sim-classpath.jar");
        for (String jar : own) {
            assertThat(home.resolve("system").resolve(jar)).as("lib/sim/" + jar + " also in system/").doesNotExist();
            assertThat(home.resolve("lib").resolve(jar)).as("lib/sim/" + jar + " also in lib/").doesNotExist();
        }
        try (JarFile j = new JarFile(sim.resolve("herald-sim-classpath.jar").toFile())) {
            String classPath = j.getManifest().getMainAttributes().getValue("Class-Path");
            assertThat(classPath).contains("../../system/herald-api-").contains("../picocli-");
            for (String entry : classPath.trim().split(" +")) {
                assertThat(sim.resolve(entry)).as("Class-Path entry " + entry).isRegularFile();
            }
        }
    }

    @Test
    void theTarGzHoldsTheSameFolderWithAnExecutableLauncher() throws Exception {
        Path tar = Path.of(System.getProperty("herald.distribution.tar"));
        assertThat(tar).isRegularFile();
        Process p = new ProcessBuilder("tar", "-tvzf", tar.toString()).redirectErrorStream(true).start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String base = home.getFileName().toString();
        assertThat(listing).containsPattern("-rwxr-xr-x .* " + base + "/bin/herald\\n")
                .contains(base + "/etc/herald.cfg")
                .contains(base + "/system/")
                .contains(base + "/deploy/")
                .contains(base + "/log/")
                .contains(base + "/data/");
    }
}
