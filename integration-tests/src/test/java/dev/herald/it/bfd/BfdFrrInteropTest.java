package dev.herald.it.bfd;

import dev.herald.it.peers.Daemons;
import dev.herald.it.peers.FrrBfdDaemon;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Herald's BFD endpoint against FRR's {@code bfdd}, single hop over a veth pair, IPv4 and IPv6. */
@Timeout(60)
class BfdFrrInteropTest {
    @TempDir
    Path tmp;
    private FrrBfdDaemon frr;
    private BfdInteropScenario scenario;

    @BeforeEach
    void start() throws Exception {
        Daemons.assumeInstalled("frr", FrrBfdDaemon.installed());
        Daemons.assumeRootWithIpCommand("bfdd in a network namespace");
        frr = FrrBfdDaemon.start(tmp.resolve("frr"), BfdInteropScenario.INTERVAL, BfdInteropScenario.MULTIPLIER);
        scenario = new BfdInteropScenario(frr);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (scenario != null) {
                scenario.close();
            }
        } finally {
            if (frr != null) {
                frr.close();
            }
        }
    }

    @Test
    void heraldDetectsAFrozenBfdd() throws Exception {
        BfdInteropChecks.heraldDetectsAFrozenDaemon(scenario, "bfdd");
    }

    @Test
    void bfddDetectsAFrozenHeraldAndHearsItsAdminDown() throws Exception {
        BfdInteropChecks.daemonDetectsAFrozenHerald(scenario, "bfdd");
    }
}
