package dev.herald.it.bfd;

import dev.herald.it.peers.BirdBfdDaemon;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Daemons;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Herald's BFD endpoint against BIRD 2's {@code protocol bfd}, single hop over a veth pair, IPv4 and IPv6. */
@Timeout(60)
class BfdBirdInteropTest {
    @TempDir
    Path tmp;
    private BirdBfdDaemon bird;
    private BfdInteropScenario scenario;

    @BeforeEach
    void start() throws Exception {
        Daemons.assumeInstalled("bird2", BirdDaemon.installed());
        Daemons.assumeRootWithIpCommand("BIRD in a network namespace");
        bird = BirdBfdDaemon.start(tmp.resolve("bird"), BfdInteropScenario.INTERVAL, BfdInteropScenario.MULTIPLIER);
        scenario = new BfdInteropScenario(bird);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (scenario != null) {
                scenario.close();
            }
        } finally {
            if (bird != null) {
                bird.close();
            }
        }
    }

    @Test
    void heraldDetectsAFrozenBird() throws Exception {
        BfdInteropChecks.heraldDetectsAFrozenDaemon(scenario, "BIRD");
    }

    @Test
    void birdDetectsAFrozenHeraldAndHearsItsAdminDown() throws Exception {
        BfdInteropChecks.daemonDetectsAFrozenHerald(scenario, "BIRD");
    }
}
