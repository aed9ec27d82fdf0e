package dev.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.EffectivePolicy;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.api.spi.AgentStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTextTest {
    private final List<PeerStatus> peers = new ArrayList<>();
    private final List<Route> routes = new ArrayList<>();
    private Optional<String> backend = Optional.of("native");

    private final AgentStatus agent = new AgentStatus() {
        @Override
        public Optional<EffectivePolicy> effectivePolicy() {
            return Optional.of(new EffectivePolicy("example", GlobalConfig.of(65001, "10.0.0.1")));
        }

        @Override
        public List<PeerStatus> peers() {
            return peers;
        }

        @Override
        public List<Route> routes() {
            return routes;
        }

        @Override
        public Optional<String> backend() {
            return backend;
        }
    };

    private static PeerStatus peer(String ip, SessionState state, long sent) {
        return new PeerStatus(PeerConfig.of(ip, 65000), state,
                state == SessionState.ESTABLISHED ? Optional.of(Instant.now().minusSeconds(90)) : Optional.empty(),
                10, 10, sent, 0);
    }

    @Test
    void convergedMeansEveryPeerEstablishedWithEveryRouteOfItsFamilyOnTheWantedBackend() {
        routes.add(Route.of("10.96.0.1", RouteType.SERVICE_CLUSTER_IP, "ns/a"));
        routes.add(Route.of("10.96.0.1", RouteType.SERVICE_CLUSTER_IP, "ns/b")); // one prefix, two owners
        routes.add(Route.of("fd00::1", RouteType.SERVICE_CLUSTER_IP, "ns/a"));
        peers.add(peer("10.0.0.2", SessionState.ESTABLISHED, 1));
        peers.add(peer("fd00::2", SessionState.ACTIVE, 0));
        assertThat(AgentText.Progress.of(agent).convergedOn("native")).isFalse();

        peers.set(1, peer("fd00::2", SessionState.ESTABLISHED, 1));
        AgentText.Progress p = AgentText.Progress.of(agent);
        assertThat(p.convergedOn("native")).isTrue();
        assertThat(p.convergedOn("gobgp")).isFalse();
        assertThat(p).hasToString("backend native, 2/2 peers Established, 2 sent all 1 IPv4 and 1 IPv6 routes");

        backend = Optional.of("gobgp");
        assertThat(AgentText.status(agent, "native")).contains("gobgp (switching to native)")
                .contains("example (AS 65001, router ID 10.0.0.1, listen port 179)")
                .contains("2 advertised (1 IPv4, 1 IPv6)").contains("10.0.0.2:179").contains("[fd00::2]:179")
                .contains("Established").contains("1m");
    }

    @Test
    void theBackendLineOfTheCfgFileIsReplacedAndTheRestKept(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("herald.cfg");
        Files.writeString(cfg, "# The BGP backend: native or gobgp\nbackend = native\nstatus.address = x\n");
        HeraldCommands.writeBackend(cfg, "gobgp");
        assertThat(Files.readString(cfg))
                .isEqualTo("# The BGP backend: native or gobgp\nbackend = gobgp\nstatus.address = x\n");
        Files.writeString(cfg, "# backend = native\n");
        HeraldCommands.writeBackend(cfg, "gobgp");
        assertThat(Files.readString(cfg)).isEqualTo("# backend = native\nbackend = gobgp\n");
    }
}
