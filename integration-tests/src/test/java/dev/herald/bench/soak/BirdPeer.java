package dev.herald.bench.soak;

import dev.herald.it.peers.BirdDaemon;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * BIRD 2 on loopback, one session with the agent (protocol {@value #PROTOCOL}), without graceful restart: every
 * reset flushes what it learned, so its table after a new session is exactly what the agent sent on that session.
 */
final class BirdPeer implements SoakPeer, AutoCloseable {
    static final String PROTOCOL = "herald";
    static final String ADDRESS = "127.0.0.171";
    static final long ASN = 65001;

    private final List<BirdDaemon.Protocol> protocols;
    private volatile BirdDaemon bird;

    private BirdPeer(BirdDaemon bird, List<BirdDaemon.Protocol> protocols) {
        this.bird = bird;
        this.protocols = protocols;
    }

    /** BIRD at {@value #ADDRESS}:{@code port}, expecting the agent (AS {@code agentAsn}) from 127.0.0.1. */
    static BirdPeer start(Path dir, int port, int agentPort, long agentAsn) throws IOException, InterruptedException {
        List<BirdDaemon.Protocol> p = List.of(BirdDaemon.Protocol.of(PROTOCOL, ADDRESS, port, ASN, "127.0.0.1",
                agentPort, agentAsn));
        return new BirdPeer(BirdDaemon.start(dir, "10.255.0.171", p), p);
    }

    BirdDaemon daemon() {
        return bird;
    }

    /** BIRD's session expects the agent to be {@code asn} (a wrong one makes BIRD refuse its OPEN). */
    void expectAgentAs(long asn) throws IOException, InterruptedException {
        BirdDaemon.Protocol p = protocols.get(0);
        bird.reconfigure(List.of(p.withNeighbor(p.neighborPort(), asn)));
    }

    /** Back to the config it started with. */
    void restoreConfig() throws IOException, InterruptedException {
        bird.reconfigure(protocols);
    }

    @Override
    public String name() {
        return "BIRD";
    }

    @Override
    public String address() {
        return ADDRESS;
    }

    @Override
    public String session() throws IOException, InterruptedException {
        return bird.pid() + " " + bird.protocolLine(PROTOCOL);
    }

    @Override
    public boolean established() throws IOException, InterruptedException {
        return bird.protocolState(PROTOCOL).equals("Established");
    }

    @Override
    public String mismatch(Set<String> desired) throws IOException, InterruptedException {
        String state = bird.protocolState(PROTOCOL);
        if (!state.equals("Established")) {
            return "session " + (state.isEmpty() ? "unknown" : state);
        }
        long count = bird.routeCount();
        if (count != desired.size()) {
            return count + " of " + desired.size() + " routes";
        }
        return SoakPeer.difference(bird.prefixes(), desired);
    }

    @Override
    public String lastError() throws IOException, InterruptedException {
        return bird.lastError(PROTOCOL);
    }

    @Override
    public long pid() {
        return bird.pid();
    }

    @Override
    public void restart() throws IOException, InterruptedException {
        bird = bird.restart();
    }

    @Override
    public String diagnostics() {
        try {
            String log = bird.log();
            return bird.protocolDetails(PROTOCOL) + "\n--- bird.log (end) ---\n"
                    + log.substring(Math.max(0, log.length() - 3000));
        } catch (IOException e) {
            return "(birdc failed: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    @Override
    public void close() throws InterruptedException {
        bird.close();
    }
}
