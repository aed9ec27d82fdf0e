package dev.herald.bench;

import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.session.BfdParameters;
import dev.herald.bfd.transport.BfdEndpointConfig;
import dev.herald.bfd.transport.BfdSession;
import dev.herald.bfd.transport.BfdSessions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The BFD benchmark (run by {@code benchmarks/bfd.sh}, not by the test suite): two Herald BFD endpoints in this JVM
 * with N sessions between them at a fixed interval, over loopback. Endpoint A (127.0.0.2) has all N sessions toward
 * 127.0.1.1 ... 127.0.1.N, where endpoint B listens (one socket per address, another port). Prints the CPU time of
 * each endpoint's event loop thread per second of wall time (percent of one core), and of the whole process.
 */
public final class BfdBenchmark {
    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Duration interval = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 50);
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        if (sessions < 1 || sessions > 250) {
            throw new IllegalArgumentException("1-250 sessions (addresses 127.0.1.1-250)");
        }
        InetAddress a = InetAddress.getByName("127.0.0.2");
        List<InetAddress> bAddresses = new ArrayList<>();
        for (int i = 1; i <= sessions; i++) {
            bAddresses.add(InetAddress.getByName("127.0.1." + i));
        }
        BfdParameters p = BfdParameters.singleHop(interval, interval, 3);
        AtomicInteger downs = new AtomicInteger();
        try (BfdSessions ea = BfdSessions.open(BfdEndpointConfig.defaults().withListenAddresses(a)
                .withPorts(3784, 0).withPeerPorts(13784, 4784));
             BfdSessions eb = BfdSessions.open(BfdEndpointConfig.defaults()
                .withListenAddresses(bAddresses.toArray(InetAddress[]::new)).withPorts(13784, 0)
                .withPeerPorts(3784, 4784))) {
            List<BfdSession> all = new ArrayList<>();
            for (InetAddress b : bAddresses) {
                all.add(ea.add(b, Optional.of(a), p, c -> count(c.to(), downs)));
                all.add(eb.add(a, Optional.of(b), p, c -> count(c.to(), downs)));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (all.stream().anyMatch(s -> s.state() != BfdState.UP)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not all sessions Up within 30 s: "
                            + all.stream().filter(s -> s.state() != BfdState.UP).count() + " not Up");
                }
                Thread.sleep(50);
            }
            Thread.sleep(2_000); // the Polls down to the fast interval are over, and the JIT warm
            downs.set(0);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long threadA = ea.eventLoop().submit(() -> Thread.currentThread().getId()).get();
            long threadB = eb.eventLoop().submit(() -> Thread.currentThread().getId()).get();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpuA0 = threads.getThreadCpuTime(threadA);
            long cpuB0 = threads.getThreadCpuTime(threadB);
            long proc0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long wall = System.nanoTime() - wall0;
            double cpuA = 100.0 * (threads.getThreadCpuTime(threadA) - cpuA0) / wall;
            double cpuB = 100.0 * (threads.getThreadCpuTime(threadB) - cpuB0) / wall;
            double proc = 100.0 * (os.getProcessCpuTime() - proc0) / wall;
            long up = all.stream().filter(s -> s.state() == BfdState.UP).count();
            System.out.printf(Locale.ROOT, "%d sessions at %d ms, %d s: endpoint A thread %.1f %% of a core, endpoint B "
                    + "thread %.1f %%, whole JVM (both endpoints) %.1f %%; %d of %d sessions Up, %d Down events "
                    + "during the measurement; about %d packets/s sent per endpoint%n", sessions, interval.toMillis(),
                    seconds, cpuA, cpuB, proc, up, all.size(), downs.get(),
                    Math.round(sessions * 1000.0 / (interval.toMillis() * 0.875)));
        }
    }

    private static void count(BfdState to, AtomicInteger downs) {
        if (to == BfdState.DOWN) {
            downs.incrementAndGet();
        }
    }
}
