package dev.herald.it.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real ExaBGP 4.2 ({@code apt-get install exabgp}) started on loopback as a receive-only BGP peer: a helper process
 * appends every UPDATE it receives, as one JSON object per line, to a file that {@link #updates()} reads. The JSON
 * carries the message's bytes as well, so {@link Update} also has AS_PATH and AS4_PATH as they were on the wire
 * (ExaBGP's parsed view merges AS4_PATH into AS_PATH). Each instance has its own folder, config and process;
 * {@link #close()} stops it. Only 127.0.0.0/8 and ::1 addresses are accepted.
 */
public final class ExabgpDaemon implements AutoCloseable {
    private static final Path EXABGP = Path.of("/usr/sbin/exabgp");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int AS_PATH = 2;
    private static final int AS4_PATH = 17;

    /** One neighbour of ExaBGP's: Herald, usually. {@code asn} is the AS ExaBGP expects in its OPEN. */
    public record Neighbor(String address, int port, long asn) {
        public static Neighbor of(String address, int port, long asn) {
            return new Neighbor(address, port, asn);
        }
    }

    /**
     * One UPDATE ExaBGP received.
     *
     * @param peer the neighbour it came from
     * @param announced the prefixes it announces (any family)
     * @param withdrawn the prefixes it withdraws (any family)
     * @param nextHop the next hop of the announced prefixes, or null
     * @param asPath the AS path as ExaBGP parsed it: AS4_PATH already merged in
     * @param wireAsPath the AS numbers of the AS_PATH attribute as sent: 2 octets each unless the session
     *     negotiated 4-octet AS numbers
     * @param wireAs4Path the AS numbers of the AS4_PATH attribute, empty if there was none
     */
    public record Update(String peer, List<String> announced, List<String> withdrawn, String nextHop,
                         List<Long> asPath, List<Long> wireAsPath, List<Long> wireAs4Path) {
    }

    private final Path dir;
    private final Process process;
    private final Path received;
    private final boolean asn4;

    private ExabgpDaemon(Path dir, Process process, Path received, boolean asn4) {
        this.dir = dir;
        this.process = process;
        this.received = received;
        this.asn4 = asn4;
    }

    public static boolean installed() {
        return Files.isExecutable(EXABGP);
    }

    /**
     * Starts ExaBGP listening on {@code localAddress:port} and connecting to each neighbour. Returns once it
     * listens.
     *
     * @param asn4 whether ExaBGP offers the 4-octet AS capability (RFC 6793); without it, it is an "old" BGP
     *     speaker that sees a 4-octet AS as AS_TRANS (23456), in the OPEN and in AS_PATH
     */
    public static ExabgpDaemon start(Path dir, String localAddress, int port, long asn, String routerId,
                                     List<Neighbor> neighbors, boolean asn4)
            throws IOException, InterruptedException {
        Loopback.check(localAddress);
        Files.createDirectories(dir);
        Path received = dir.resolve("received.jsonl");
        Files.writeString(received, "");
        // ExaBGP takes EOF on a helper's stdout for its death and restarts it (5 times at most): the helper must
        // keep stdout open, so a child cat, not exec cat
        Path recv = dir.resolve("recv.sh");
        Files.writeString(recv, "#!/bin/sh\ncat >> '" + received + "'\n");
        Files.setPosixFilePermissions(recv, PosixFilePermissions.fromString("rwx------"));

        StringBuilder conf = new StringBuilder();
        conf.append("process recv {\n  run ").append(recv).append(";\n  encoder json;\n}\n");
        for (Neighbor n : neighbors) {
            Loopback.check(n.address());
            conf.append("neighbor ").append(n.address()).append(" {\n");
            conf.append("  router-id ").append(routerId).append(";\n");
            conf.append("  local-address ").append(localAddress).append(";\n");
            conf.append("  local-as ").append(asn).append(";\n");
            conf.append("  peer-as ").append(n.asn()).append(";\n");
            conf.append("  listen ").append(port).append(";\n"); // our port, bound to local-address
            conf.append("  connect ").append(n.port()).append(";\n"); // the neighbour's port
            conf.append("  hold-time 30;\n");
            conf.append("  family {\n    ipv4 unicast;\n    ipv6 unicast;\n  }\n");
            conf.append("  capability {\n    asn4 ").append(asn4 ? "enable" : "disable").append(";\n  }\n");
            // parsed + packets + consolidate: one JSON object per UPDATE, with its bytes ("header", "body")
            conf.append("  api {\n    processes [ recv ];\n    receive {\n      parsed;\n      packets;\n")
                    .append("      consolidate;\n      update;\n    }\n  }\n");
            conf.append("}\n");
        }
        Path config = dir.resolve("exabgp.conf");
        Files.writeString(config, conf.toString());

        ProcessBuilder pb = new ProcessBuilder(EXABGP.toString(), config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("exabgp.log").toFile());
        // as root ExaBGP would switch to user "exabgp", which cannot write to our folder; no CLI pipes in /run
        pb.environment().put("exabgp.daemon.user", System.getProperty("user.name"));
        pb.environment().put("exabgp.daemon.drop", "false");
        pb.environment().put("exabgp.api.cli", "false");
        pb.environment().put("exabgp.log.destination", "stdout");
        Process p = pb.start();
        ExabgpDaemon exabgp = new ExabgpDaemon(dir, p, received, asn4);
        if (!Commands.waitUntil(Duration.ofSeconds(20), p, () -> Commands.listening(p.pid(), localAddress, port))) {
            String log = exabgp.log();
            exabgp.close();
            throw new IOException("ExaBGP did not come up:\n" + log);
        }
        return exabgp;
    }

    /** Every UPDATE received so far, oldest first. */
    public List<Update> updates() throws IOException {
        List<Update> out = new ArrayList<>();
        for (String line : Files.readAllLines(received, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode m = JSON.readTree(line);
            if (m.path("type").asString("").equals("update")) {
                out.add(toUpdate(m));
            }
        }
        return out;
    }

    /** The routes ExaBGP holds now: every UPDATE replayed in order, by prefix; the value is the last announcement. */
    public Map<String, Update> routes() throws IOException {
        Map<String, Update> table = new LinkedHashMap<>();
        for (Update u : updates()) {
            u.withdrawn().forEach(table::remove);
            u.announced().forEach(p -> table.put(p, u));
        }
        return table;
    }

    /** Every prefix some UPDATE withdrew. */
    public List<String> withdrawn() throws IOException {
        List<String> out = new ArrayList<>();
        for (Update u : updates()) {
            out.addAll(u.withdrawn());
        }
        return out;
    }

    private Update toUpdate(JsonNode m) {
        JsonNode neighbor = m.path("neighbor");
        JsonNode update = neighbor.path("message").path("update");
        List<String> announced = new ArrayList<>();
        String nextHop = null;
        // "announce": {"ipv4 unicast": {"NEXT_HOP": [{"nlri": "10.96.0.10/32"}, ...]}}
        for (Map.Entry<String, JsonNode> family : update.path("announce").properties()) {
            for (Map.Entry<String, JsonNode> byNextHop : family.getValue().properties()) {
                nextHop = byNextHop.getKey();
                for (JsonNode nlri : byNextHop.getValue()) {
                    announced.add(prefixOf(nlri));
                }
            }
        }
        // "withdraw": {"ipv4 unicast": [{"nlri": "10.96.0.10/32"}, ...]}
        List<String> withdrawn = new ArrayList<>();
        for (Map.Entry<String, JsonNode> family : update.path("withdraw").properties()) {
            for (JsonNode nlri : family.getValue()) {
                withdrawn.add(prefixOf(nlri));
            }
        }
        List<Long> asPath = new ArrayList<>();
        for (JsonNode as : update.path("attribute").path("as-path")) {
            asPath.add(as.asLong());
        }
        // "body": "0x0000001C4001...", the UPDATE after its 19-octet header
        String body = m.path("body").asString("");
        Map<Integer, byte[]> attributes = wireAttributes(HexFormat.of().parseHex(body.replaceFirst("^0[xX]", "")));
        return new Update(neighbor.path("address").path("peer").asString(null), List.copyOf(announced),
                List.copyOf(withdrawn), nextHop, List.copyOf(asPath), asNumbers(attributes.get(AS_PATH), asn4),
                asNumbers(attributes.get(AS4_PATH), true));
    }

    /** An NLRI is {@code {"nlri": "10.0.0.0/8"}}, or a plain string in some ExaBGP versions. */
    private static String prefixOf(JsonNode nlri) {
        return nlri.isObject() ? nlri.path("nlri").asString() : nlri.asString();
    }

    /** The path attributes of an UPDATE body (RFC 4271 §4.3), by type code. */
    private static Map<Integer, byte[]> wireAttributes(byte[] body) {
        Map<Integer, byte[]> out = new LinkedHashMap<>();
        if (body.length < 4) {
            return out;
        }
        int withdrawnLength = u16(body, 0);
        int at = 2 + withdrawnLength;
        int end = at + 2 + u16(body, at);
        at += 2;
        while (at < end) {
            int flags = body[at] & 0xFF;
            int type = body[at + 1] & 0xFF;
            boolean extendedLength = (flags & 0x10) != 0;
            int length = extendedLength ? u16(body, at + 2) : body[at + 2] & 0xFF;
            at += extendedLength ? 4 : 3;
            byte[] value = new byte[length];
            System.arraycopy(body, at, value, 0, length);
            out.put(type, value);
            at += length;
        }
        return out;
    }

    /** The AS numbers of every segment of an AS_PATH or AS4_PATH value, {@code fourOctets} or two each. */
    private static List<Long> asNumbers(byte[] value, boolean fourOctets) {
        List<Long> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        int width = fourOctets ? 4 : 2;
        int at = 0;
        while (at + 2 <= value.length) {
            int count = value[at + 1] & 0xFF; // segment type, then the number of ASes
            at += 2;
            for (int i = 0; i < count; i++, at += width) {
                out.add(fourOctets ? ((long) u16(value, at) << 16) | u16(value, at + 2) : u16(value, at));
            }
        }
        return out;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    /** What a failed assertion should show: the end of ExaBGP's log and of the received messages. */
    public String diagnostics() {
        return "ExaBGP in " + dir + ", alive=" + process.isAlive() + "\n--- exabgp.log (end) ---\n"
                + Commands.tail(dir.resolve("exabgp.log"), 30) + "\n--- received.jsonl (end) ---\n"
                + Commands.tail(received, 10);
    }

    public String log() throws IOException {
        Path log = dir.resolve("exabgp.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        Commands.stop(process);
    }
}
