package dev.herald.bench;

import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.SessionState;
import dev.herald.backend.nativebgp.NativeBgpServer;
import dev.herald.backend.nativebgp.NativeBgpServerFactory;
import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.session.BfdParameters;
import dev.herald.bfd.transport.BfdEndpointConfig;
import dev.herald.bfd.transport.BfdSession;
import dev.herald.bfd.transport.BfdSessions;
import dev.herald.it.peers.BirdBfdDaemon;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Commands;
import dev.herald.it.peers.Daemons;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The BFD benchmark (run by {@code benchmarks/bfd.sh}, not by the test suite; docs/performance.md, "BFD"). Herald's
 * BFD endpoint runs N sessions at a fixed interval, multiplier 3, against either a second Herald endpoint in this JVM
 * over loopback ({@code herald}) or a real BIRD 2 in a network namespace ({@code bird}). It prints the CPU time of
 * Herald's endpoint thread and of the peer (percent of one core). With {@code table}, a native BGP speaker in this
 * JVM then sends a 100,000-route table to a real BIRD while the sessions run, and the run fails if any session went
 * Down meanwhile.
 *
 * <pre>{@code BfdBenchmark herald|bird SESSIONS INTERVAL_MS SECONDS [table]}</pre>
 */
public final class BfdBenchmark {
    private static final int MULTIPLIER = 3;
    private static final long WARM_UP_MS = 15_000;

    /** Herald's measured endpoint, its sessions, and the peer's CPU seconds so far. */
    private interface Setup extends AutoCloseable {
        BfdSessions herald();

        List<BfdSession> sessions();

        double peerCpuSeconds() throws Exception;

        String peerName();
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "herald";
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Duration interval = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 50);
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        boolean table = args.length > 4 && args[4].equals("table");
        if (sessions < 1 || sessions > 150) {
            throw new IllegalArgumentException("1-150 sessions");
        }
        BfdParameters p = BfdParameters.singleHop(interval, interval, MULTIPLIER);
        AtomicInteger downs = new AtomicInteger();
        Path work = Files.createTempDirectory("herald-bfd-bench");
        try (Setup s = mode.equals("bird") ? bird(work, sessions, p, downs) : herald(sessions, p, downs)) {
            awaitUp(s.sessions());
            // the Polls down to the fast interval are over, and the JIT has compiled the hot paths (on a busy 2-core
            // machine it takes several seconds: measured from 2 s on, the figure came out three times higher)
            Thread.sleep(WARM_UP_MS);
            downs.set(0);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long thread = s.herald().eventLoop().submit(() -> Thread.currentThread().getId()).get();
            long cpu0 = threads.getThreadCpuTime(thread);
            double peer0 = s.peerCpuSeconds();
            long wall0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long wall = System.nanoTime() - wall0;
            double cpu = 100.0 * (threads.getThreadCpuTime(thread) - cpu0) / wall;
            double peer = 100.0 * (s.peerCpuSeconds() - peer0) * 1e9 / wall;
            long up = s.sessions().stream().filter(x -> x.state() == BfdState.UP).count();
            System.out.printf(Locale.ROOT, "%d sessions at %d ms x %d against %s, %d s: Herald's BFD thread %.1f %% of "
                    + "a core, %s %.1f %%; %d of %d sessions Up, %d Down events; about %d packets/s each way%n",
                    sessions, interval.toMillis(), MULTIPLIER, mode, seconds, cpu, s.peerName(), peer, up,
                    s.sessions().size(), downs.get(), Math.round(sessions * 1000.0 / (interval.toMillis() * 0.875)));
            if (table) {
                downs.set(0);
                double took = sendTable(work.resolve("table"));
                Thread.sleep(2_000);
                System.out.printf(Locale.ROOT, "100,000-route table sent to BIRD in %.1f s meanwhile: %d Down "
                        + "events, %d of %d sessions Up%n", took, downs.get(),
                        s.sessions().stream().filter(x -> x.state() == BfdState.UP).count(), s.sessions().size());
                if (downs.get() > 0) {
                    System.exit(1);
                }
            }
        }
    }

    /** Endpoint A (127.0.0.2) toward 127.0.1.1 ... 127.0.1.N, where endpoint B listens on another port. */
    private static Setup herald(int sessions, BfdParameters p, AtomicInteger downs) throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.2");
        List<InetAddress> bAddresses = new ArrayList<>();
        for (int i = 1; i <= sessions; i++) {
            bAddresses.add(InetAddress.getByName("127.0.1." + i));
        }
        BfdSessions ea = BfdSessions.open(BfdEndpointConfig.defaults().withListenAddresses(a).withPorts(3784, 0)
                .withPeerPorts(13784, 4784));
        // one socket on every address (it learns each packet's own destination), as an agent's endpoint
        BfdSessions eb = BfdSessions.open(BfdEndpointConfig.defaults()
                .withListenAddresses(InetAddress.getByName("0.0.0.0")).withPorts(13784, 0)
                .withPeerPorts(3784, 4784));
        List<BfdSession> mine = new ArrayList<>();
        List<BfdSession> all = new ArrayList<>();
        for (InetAddress b : bAddresses) {
            mine.add(ea.add(b, Optional.of(a), p, c -> count(c.to(), downs)));
            all.add(eb.add(a, Optional.of(b), p, c -> count(c.to(), downs)));
        }
        all.addAll(mine);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long bThread = eb.eventLoop().submit(() -> Thread.currentThread().getId()).get();
        return new Setup() {
            public BfdSessions herald() {
                return ea;
            }

            public List<BfdSession> sessions() {
                return all;
            }

            public double peerCpuSeconds() {
                return threads.getThreadCpuTime(bThread) / 1e9;
            }

            public String peerName() {
                return "the other endpoint's thread";
            }

            public void close() {
                ea.close();
                eb.close();
            }
        };
    }

    /** BIRD in a namespace with a session toward each of N addresses of the root end, where Herald listens. */
    private static Setup bird(Path work, int sessions, BfdParameters p, AtomicInteger downs) throws Exception {
        BirdBfdDaemon bird = BirdBfdDaemon.startMany(work.resolve("bird"), Duration.ofNanos(
                p.desiredMinTxMicros() * 1000), MULTIPLIER, sessions);
        try {
            List<InetAddress> locals = new ArrayList<>();
            for (String a : bird.sessionStates().keySet()) {
                locals.add(InetAddress.getByName(a));
            }
            // one socket on every address, as the agent's endpoint when BGP listens on all (docs/bfd.md)
            BfdSessions herald = BfdSessions.open(BfdEndpointConfig.defaults()
                    .withListenAddresses(InetAddress.getByName("0.0.0.0")).withPorts(3784, 0));
            List<BfdSession> all = new ArrayList<>();
            InetAddress remote = InetAddress.getByName(bird.namespace().peerAddress());
            for (InetAddress local : locals) {
                all.add(herald.add(remote, Optional.of(local), p, c -> count(c.to(), downs)));
            }
            return new Setup() {
                public BfdSessions herald() {
                    return herald;
                }

                public List<BfdSession> sessions() {
                    return all;
                }

                public double peerCpuSeconds() throws Exception {
                    return Commands.cpuSeconds(bird.pid());
                }

                public String peerName() {
                    return "BIRD";
                }

                public void close() throws Exception {
                    herald.close();
                    bird.close();
                }
            };
        } catch (Exception | Error e) {
            bird.close();
            throw e;
        }
    }

    /** Herald's native speaker in this JVM sends {@link BgpTableBenchmark#V4} routes to a fresh BIRD; seconds. */
    private static double sendTable(Path dir) throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        try (BirdDaemon bird = BirdDaemon.start(dir, "127.0.0.2", "::1", birdPort, 65000, "10.255.0.2",
                List.of(BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001)), false)) {
            NativeBgpServer server = (NativeBgpServer) new NativeBgpServerFactory()
                    .create(GlobalConfig.of(65001, "10.255.0.1").withListenPort(heraldPort));
            try {
                server.start();
                server.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
                BgpTableBenchmark.waitUntil(() -> server.peers().stream()
                        .allMatch(x -> x.state() == SessionState.ESTABLISHED), 30);
                long t0 = System.nanoTime();
                server.advertise(BgpTableBenchmark.v4Table());
                BgpTableBenchmark.waitUntil(() -> bird.routeCount() >= BgpTableBenchmark.V4, 120);
                return (System.nanoTime() - t0) / 1e9;
            } finally {
                server.stop();
            }
        }
    }

    private static void awaitUp(List<BfdSession> all) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (all.stream().anyMatch(s -> s.state() != BfdState.UP)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not all sessions Up within 30 s: "
                        + all.stream().filter(s -> s.state() != BfdState.UP).count() + " not Up");
            }
            Thread.sleep(50);
        }
    }

    private static void count(BfdState to, AtomicInteger downs) {
        if (to == BfdState.DOWN) {
            downs.incrementAndGet();
        }
    }
}
