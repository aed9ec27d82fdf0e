package dev.herald.bench.soak;

import dev.herald.it.metrics.ScrapedMetrics;
import dev.herald.it.peers.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the agent's process holds, read from outside it: heap after a full GC ({@code jcmd GC.run}, then {@code
 * GC.heap_info}), resident memory, threads and file descriptors from /proc, and the tasks waiting on the BGP
 * server's event loop from its metrics (docs/metrics.md).
 */
final class LeakProbe {
    /** One reading. {@code pendingTasks} is -1 when the agent does not report it (the goBGP backend). */
    record Reading(double seconds, long heapBytes, long rssBytes, long threads, long fds, long pendingTasks) {
    }

    /** The quietest of this many reads of the pending tasks, 100 ms apart: a task passing through is not a pile. */
    private static final int PENDING_READS = 5;
    private static final Duration JCMD_LIMIT = Duration.ofSeconds(60);
    private static final Pattern HEAP = Pattern.compile("(?m)^\\s*\\S.*?\\s+total \\d+K, used (\\d+)K");

    private final long pid;
    private final int metricsPort;
    private final Path jcmd;

    LeakProbe(long pid, int metricsPort) {
        this.pid = pid;
        this.metricsPort = metricsPort;
        this.jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    }

    /** Collects garbage in the agent, then reads everything; {@code seconds} is when, for the report. */
    Reading read(double seconds) throws IOException, InterruptedException {
        jcmd("GC.run");
        long heap = heapUsed(jcmd("GC.heap_info"));
        Map<String, Long> status = status();
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds = s.count();
        }
        long pending = Long.MAX_VALUE;
        for (int i = 0; i < PENDING_READS; i++) {
            double p = ScrapedMetrics.scrape(metricsPort).sum("herald_event_loop_pending_tasks", Map.of())
                    .orElse(-1);
            pending = Math.min(pending, (long) p);
            Thread.sleep(100);
        }
        return new Reading(seconds, heap, status.get("VmRSS") * 1024, status.get("Threads"), fds, pending);
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        return Commands.run(JCMD_LIMIT, List.of(jcmd.toString(), Long.toString(pid), command));
    }

    /** The used parts of the heap's generations (Serial, Parallel) or regions (G1), added up. */
    static long heapUsed(String heapInfo) {
        long kb = 0;
        boolean any = false;
        Matcher m = HEAP.matcher(heapInfo);
        while (m.find()) {
            kb += Long.parseLong(m.group(1));
            any = true;
        }
        if (!any) {
            throw new IllegalArgumentException("no heap figures in GC.heap_info: " + heapInfo);
        }
        return kb * 1024;
    }

    /** VmRSS (kB) and Threads of /proc/PID/status. */
    private Map<String, Long> status() throws IOException {
        Map<String, Long> out = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            String[] f = line.split(":\\s+");
            if (f.length == 2 && (f[0].equals("VmRSS") || f[0].equals("Threads"))) {
                out.put(f[0], Long.parseLong(f[1].split("\\s+")[0]));
            }
        }
        if (out.size() != 2) {
            throw new IOException("no VmRSS or Threads in /proc/" + pid + "/status");
        }
        return out;
    }
}
