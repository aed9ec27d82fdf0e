package dev.herald.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code bin/herald get bgppolicy|bgppeers|bgproutes}: asks the running agent's status API (the address in
 * etc/herald.cfg) and prints a table in the style of {@code antctl get} / {@code kubectl get}, or the raw answer.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Show the running agent's BGP policy, peers or routes (like 'antctl get bgppolicy').")
final class GetCommand implements Callable<Integer> {
    enum What { bgppolicy, bgppeers, bgproutes }

    @ParentCommand
    Main parent;

    @Parameters(index = "0", description = "One of: ${COMPLETION-CANDIDATES}.")
    What what;

    @Option(names = {"-o", "--output"}, description = "table (default), json or yaml.")
    String output = "table";

    @Option(names = "--ipv4-only", description = "Only IPv4 peers or routes.")
    boolean ipv4Only;

    @Option(names = "--ipv6-only", description = "Only IPv6 peers or routes.")
    boolean ipv6Only;

    @Option(names = {"-T", "--type"}, description = "Only routes of this type: EgressIP, ServiceLoadBalancerIP, "
            + "ServiceExternalIP, ServiceClusterIP, NodeIPAMPodCIDR.")
    String type;

    @Option(names = "--server", description = "host:port of the status API (default: status.address in "
            + "etc/herald.cfg, else 127.0.0.1:8179).")
    String server;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        List<String> query = new ArrayList<>();
        if (ipv4Only) {
            query.add("ipv4-only");
        }
        if (ipv6Only) {
            query.add("ipv6-only");
        }
        if (type != null) {
            query.add("type=" + type);
        }
        String address = server != null ? server : statusAddress();
        URI uri = URI.create("http://" + address + "/" + what + (query.isEmpty() ? "" : "?" + String.join("&", query)));
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
                    .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("error: cannot reach the agent's status API at " + address + " (" + e.getMessage()
                    + "); is bin/herald running?");
            return 1;
        }
        if (response.statusCode() != 200) {
            err.println("error: " + response.body().strip());
            return 1;
        }
        ObjectMapper json = JsonMapper.builder().build();
        JsonNode body = json.readTree(response.body());
        switch (output) {
            case "json" -> out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(body));
            case "yaml" -> out.print(new YAMLMapper().writeValueAsString(body));
            case "table" -> out.print(table(what, body));
            default -> {
                err.println("error: unknown output format '" + output + "' (table, json or yaml)");
                return 2;
            }
        }
        return 0;
    }

    private String statusAddress() throws IOException {
        Path cfg = parent.resolveHome().etc().resolve("herald.cfg");
        if (Files.isRegularFile(cfg)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(cfg, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            String a = p.getProperty("status.address");
            if (a != null && !a.isBlank()) {
                return a.trim();
            }
        }
        return "127.0.0.1:8179";
    }

    /** Columns as antctl prints them; Herald's extra peer columns at the end. */
    static String table(What what, JsonNode body) {
        List<String[]> rows = new ArrayList<>();
        switch (what) {
            case bgppolicy -> {
                rows.add(new String[] {"NAME", "ROUTER-ID", "LOCAL-ASN", "LISTEN-PORT", "CONFEDERATION-IDENTIFIER",
                    "MEMBER-ASNS"});
                List<String> members = new ArrayList<>();
                body.path("memberASNs").forEach(n -> members.add(n.asString()));
                rows.add(new String[] {text(body, "name"), text(body, "routerID"), text(body, "localASN"),
                    text(body, "listenPort"), text(body, "confederationIdentifier"), String.join(",", members)});
            }
            case bgppeers -> {
                rows.add(new String[] {"PEER", "ASN", "STATE", "UPTIME", "PREFIXES-SENT", "HOLD-TIME", "BFD"});
                body.forEach(n -> rows.add(new String[] {text(n, "peer"), text(n, "asn"), text(n, "state"),
                    text(n, "uptime"), text(n, "prefixesSent"), text(n, "holdTimeSeconds"),
                    n.has("bfd") ? text(n, "bfd") : "<NONE>"}));
            }
            default -> {
                rows.add(new String[] {"ROUTE", "TYPE", "K8S-OBJ-REF"});
                body.forEach(n -> rows.add(new String[] {text(n, "route"), text(n, "type"),
                    n.has("k8sObjRef") ? n.get("k8sObjRef").asString() : "<NONE>"}));
            }
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 3) + "s", r[i]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String text(JsonNode n, String field) {
        return n.has(field) ? n.get(field).asString() : "";
    }
}
