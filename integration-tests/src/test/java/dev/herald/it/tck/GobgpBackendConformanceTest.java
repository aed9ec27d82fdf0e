package dev.herald.it.tck;

import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.backend.gobgp.GobgpBgpServer;
import dev.herald.backend.gobgp.GobgpBgpServerFactory;
import dev.herald.it.peers.Daemons;
import dev.herald.support.gobgp.GobgpdBinary;
import java.time.Duration;

/** The conformance suite on the goBGP backend: a real gobgpd that each server starts and supervises. */
class GobgpBackendConformanceTest extends BgpServerConformanceTest {
    @Override
    protected void assumeBackendInstalled() {
        Daemons.assumeInstalled("gobgpd", GobgpdBinary.installed());
    }

    @Override
    protected BgpServerFactory factory() {
        return new GobgpBgpServerFactory();
    }

    @Override
    protected boolean supervisesDaemon() {
        return true;
    }

    /** kill -9 of the gobgpd the server started. */
    @Override
    protected void killDaemon(BgpServer server) {
        long pid = ((GobgpBgpServer) server).daemonPid().orElseThrow();
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
        daemon.destroyForcibly();
        daemon.onExit().orTimeout(Duration.ofSeconds(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .join();
    }
}
