package dev.herald.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rule of who may import whom (docs/architecture.md), checked on what the build shipped: each Herald bundle's
 * {@code Import-Package} names only Herald packages exported by the bundles the rule allows, and the private helper
 * library is embedded, never exported.
 */
class ModuleRulesTest {
    /** Bundle (artifact id without "herald-") to the Herald bundles whose packages it may import. */
    private static final Map<String, Set<String>> MAY_IMPORT = Map.ofEntries(
            Map.entry("api", Set.of()),
            Map.entry("bgp-protocol", Set.of()),
            Map.entry("bfd", Set.of()),
            Map.entry("backend-native", Set.of("api", "bgp-protocol", "bfd")),
            Map.entry("backend-gobgp", Set.of("api")),
            Map.entry("controller", Set.of("api")),
            Map.entry("kube", Set.of("api")),
            Map.entry("source-service", Set.of("api")),
            Map.entry("source-egress", Set.of("api")),
            Map.entry("source-pod", Set.of("api")),
            Map.entry("metrics", Set.of("api")),
            Map.entry("ops", Set.of("api")),
            Map.entry("fabric8-client", Set.of()));

    @Test
    void bundlesImportOnlyWhatTheRuleAllows() throws IOException {
        Map<String, Attributes> manifests = heraldBundles();
        assertThat(manifests.keySet()).as("every Herald bundle in system/ has a rule").isEqualTo(MAY_IMPORT.keySet());
        Map<String, String> exporter = new TreeMap<>();
        manifests.forEach((bundle, m) -> packages(m.getValue("Export-Package")).forEach(p -> exporter.put(p, bundle)));
        List<String> broken = new ArrayList<>();
        manifests.forEach((bundle, m) -> {
            for (String pkg : packages(m.getValue("Import-Package"))) {
                if (!pkg.startsWith("dev.herald.")) {
                    continue;
                }
                String from = exporter.get(pkg);
                if (from == null) {
                    broken.add(bundle + " imports " + pkg + ", which no Herald bundle exports");
                } else if (!from.equals(bundle) && !MAY_IMPORT.get(bundle).contains(from)) {
                    broken.add(bundle + " imports " + pkg + " of " + from);
                }
            }
        });
        assertThat(broken).as("imports against docs/architecture.md's rule").isEmpty();
    }

    @Test
    void theHelperLibraryStaysPrivate() throws IOException {
        heraldBundles().forEach((bundle, m) -> assertThat(packages(m.getValue("Export-Package")))
                .as(bundle + " exports").noneMatch(p -> p.startsWith("dev.herald.support")));
    }

    private static Map<String, Attributes> heraldBundles() throws IOException {
        Map<String, Attributes> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(Distribution.built().resolve("system"))) {
            for (Path jar : s.filter(p -> p.getFileName().toString().matches("herald-.*\\.jar")).toList()) {
                String name = jar.getFileName().toString().replaceFirst("^herald-", "")
                        .replaceFirst("-\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\.jar$", "");
                try (JarFile j = new JarFile(jar.toFile())) {
                    out.put(name, j.getManifest().getMainAttributes());
                }
            }
        }
        return out;
    }

    /** The package names of an OSGi package header, whose attributes may hold quoted commas. */
    static Set<String> packages(String header) {
        Set<String> names = new TreeSet<>();
        if (header == null) {
            return names;
        }
        boolean quoted = false;
        StringBuilder clause = new StringBuilder();
        for (char c : (header + ",").toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                for (String part : clause.toString().split(";")) {
                    if (!part.contains("=")) { // several packages may share one clause's attributes
                        names.add(part.trim());
                    }
                }
                clause.setLength(0);
            } else {
                clause.append(c);
            }
        }
        names.remove("");
        return names;
    }
}
