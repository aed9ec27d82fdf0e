package dev.herald.support.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.api.spi.BgpException;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.StopMode;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class RunningServersTest {
    /** Whether each server runs, and how each was stopped. */
    private final Map<BgpServer, Boolean> running = new ConcurrentHashMap<>();
    private final List<String> stops = new ArrayList<>();
    private final RunningServers<BgpServer> servers = new RunningServers<>("test", s -> running.get(s));

    private BgpServer server(String name, boolean runs) {
        BgpServer s = (BgpServer) Proxy.newProxyInstance(BgpServer.class.getClassLoader(),
                new Class<?>[] {BgpServer.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "stop" -> {
                        stops.add(name + " " + args[0]);
                        running.put((BgpServer) proxy, false);
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> name;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        running.put(s, runs);
        return s;
    }

    @Test
    void runningListsOnlyTheServersThatRun() {
        BgpServer a = servers.create(() -> server("a", true));
        servers.create(() -> server("b", false));
        assertThat(servers.running()).containsExactly(a);
    }

    @Test
    void stopAllStopsEveryServerInTheModeAndRefusesNewOnes() {
        servers.create(() -> server("a", true));
        servers.create(() -> server("b", false));
        servers.stopAll(StopMode.GRACEFUL_RESTART);
        assertThat(stops).containsExactlyInAnyOrder("a GRACEFUL_RESTART", "b GRACEFUL_RESTART");
        assertThat(servers.running()).isEmpty();
        assertThatThrownBy(() -> servers.create(() -> server("c", true))).isInstanceOf(BgpException.class)
                .hasMessage("the test backend is stopping: its bundle goes away");
    }
}
