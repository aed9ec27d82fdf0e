package dev.herald.bench.soak;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * What the soak saw, printed as it happens and summed up at the end: each fault with its recovery, the counts by
 * kind, the leak table (after the first minute against the end, +10 % allowed) and every check that failed. The
 * soak passes when nothing failed.
 */
final class SoakReport {
    /** Allowed growth of each measure between the first minute and the end. */
    static final double LEAK_MARGIN = 0.10;

    /**
     * One fault as the soak ran it.
     *
     * @param recovery per router, from the fault's end until its table was exactly the desired one (null: never)
     * @param resetBird whether BIRD's session was renewed, likewise FRR's
     */
    record Step(int number, double atSeconds, FaultKind kind, Duration lasted, Map<String, Duration> recovery,
                boolean resetBird, boolean resetFrr, int churn, List<String> failures) {
    }

    private final PrintStream out;
    private final List<Step> steps = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<LeakProbe.Reading> trend = new ArrayList<>();
    private LeakProbe.Reading baseline;
    private LeakProbe.Reading end;

    SoakReport(PrintStream out) {
        this.out = out;
    }

    void step(Step s) {
        steps.add(s);
        StringBuilder rec = new StringBuilder();
        s.recovery().forEach((peer, d) -> rec.append(rec.length() == 0 ? "" : ", ").append(peer).append(' ')
                .append(d == null ? "NEVER" : seconds(d)));
        String resets = s.resetBird() && s.resetFrr() ? "BIRD+FRR" : s.resetBird() ? "BIRD" : s.resetFrr() ? "FRR"
                : "none";
        out.printf(Locale.ROOT, "[%6.1f s] #%-3d %-24s fault %5s  resets %-8s churn %d  recovered %s  %s%n",
                s.atSeconds(), s.number(), s.kind().label(), seconds(s.lasted()), resets, s.churn(), rec,
                s.failures().isEmpty() ? "ok" : "FAILED: " + String.join("; ", s.failures()));
        s.failures().forEach(f -> failures.add("#" + s.number() + " " + s.kind().label() + ": " + f));
        out.flush();
    }

    /** A check outside any one fault failed. */
    void fail(String failure) {
        failures.add(failure);
        out.println("FAILED: " + failure);
        out.flush();
    }

    void reading(String label, LeakProbe.Reading r) {
        trend.add(r);
        out.printf(Locale.ROOT, "[%6.1f s] %-9s heap after GC %s, RSS %s, %d threads, %d fds, %s pending tasks%n",
                r.seconds(), label, mb(r.heapBytes()), mb(r.rssBytes()), r.threads(), r.fds(),
                r.pendingTasks() < 0 ? "no" : Long.toString(r.pendingTasks()));
        out.flush();
    }

    void baseline(LeakProbe.Reading r) {
        baseline = r;
        reading("baseline", r);
    }

    void end(LeakProbe.Reading r) {
        end = r;
        reading("end", r);
    }

    List<Step> steps() {
        return steps;
    }

    /** Session resets the routers showed, by heading and by fault. */
    long resets() {
        return steps.stream().mapToLong(s -> (s.resetBird() ? 1 : 0) + (s.resetFrr() ? 1 : 0)).sum();
    }

    long count(FaultKind.Category c) {
        return steps.stream().filter(s -> s.kind().category == c).count();
    }

    /** Prints the summary; true when every check passed. */
    boolean summary(Duration ran, long churnOps, List<Duration> watchesBack, Map<String, Long> minimums) {
        out.println();
        out.printf(Locale.ROOT, "Soak: %s of faults, %d faults, %d session resets%n", seconds(ran), steps.size(),
                resets());
        Map<FaultKind.Category, Long> byCategory = new EnumMap<>(FaultKind.Category.class);
        Map<FaultKind, long[]> byKind = new EnumMap<>(FaultKind.class);
        for (Step s : steps) {
            long r = (s.resetBird() ? 1 : 0) + (s.resetFrr() ? 1 : 0);
            byCategory.merge(s.kind().category, r, Long::sum);
            long[] k = byKind.computeIfAbsent(s.kind(), x -> new long[3]);
            k[0]++;
            k[1] += r;
            k[2] = Math.max(k[2], slowest(s).toMillis());
        }
        byCategory.forEach((c, r) -> out.printf("  session resets by %s: %d%n", c.label, r));
        out.printf(Locale.ROOT, "  %-24s %6s %7s %13s%n", "fault", "times", "resets", "slowest rec.");
        byKind.forEach((k, v) -> out.printf(Locale.ROOT, "  %-24s %6d %7d %13s%n", k.label(), v[0], v[1],
                seconds(Duration.ofMillis(v[2]))));
        out.printf("  API server cut-offs: %d; watches delivering again after the return: %s%n",
                count(FaultKind.Category.API_CUTOFF), watchesBack.stream().map(SoakReport::seconds).toList());
        out.printf("  backend swaps: %d; Service churn operations: %d%n", count(FaultKind.Category.BACKEND_SWAP),
                churnOps);
        List<Duration> all = steps.stream().map(SoakReport::slowest).sorted().toList();
        if (!all.isEmpty()) {
            out.printf("  recovery after a fault: median %s, p95 %s, max %s%n", seconds(all.get(all.size() / 2)),
                    seconds(all.get((int) Math.min(all.size() - 1, Math.ceil(all.size() * 0.95) - 1))),
                    seconds(all.get(all.size() - 1)));
        }
        minimums.forEach((what, min) -> {
            long have = switch (what) {
                case "session resets" -> resets();
                case "API server cut-offs" -> count(FaultKind.Category.API_CUTOFF);
                case "backend swaps" -> count(FaultKind.Category.BACKEND_SWAP);
                case "Service churn operations" -> churnOps;
                default -> throw new IllegalArgumentException(what);
            };
            if (have < min) {
                failures.add(what + ": " + have + ", fewer than the " + min + " required");
            }
        });
        leakTable();
        out.println();
        if (failures.isEmpty()) {
            out.println("PASSED: every fault recovered within the limit, nothing grew beyond +10 %");
        } else {
            out.println("FAILED (" + failures.size() + "):");
            failures.forEach(f -> out.println("  " + f));
        }
        out.flush();
        return failures.isEmpty();
    }

    private static Duration slowest(Step s) {
        return s.recovery().values().stream().map(d -> d == null ? Duration.ofDays(1) : d).max(Duration::compareTo)
                .orElse(Duration.ZERO);
    }

    private void leakTable() {
        if (baseline == null || end == null) {
            failures.add("no leak readings (baseline " + (baseline != null) + ", end " + (end != null) + ")");
            return;
        }
        out.println();
        out.printf(Locale.ROOT, "  %-22s %14s %14s %14s  %s%n", "measure", "at " + seconds(baseline.seconds()),
                "at " + seconds(end.seconds()), "limit +10 %", "verdict");
        leak("heap after GC", LeakProbe.Reading::heapBytes, true);
        leak("RSS", LeakProbe.Reading::rssBytes, true);
        leak("threads", LeakProbe.Reading::threads, false);
        leak("file descriptors", LeakProbe.Reading::fds, false);
        leak("pending loop tasks", LeakProbe.Reading::pendingTasks, false);
        out.println("  trend (every reading): heap MB / RSS MB / threads / fds / pending");
        for (LeakProbe.Reading r : trend) {
            out.printf(Locale.ROOT, "    %7s  %7.1f %7.1f %5d %5d %4d%n", seconds(r.seconds()),
                    r.heapBytes() / 1e6, r.rssBytes() / 1e6, r.threads(), r.fds(), r.pendingTasks());
        }
    }

    private void leak(String what, ToLongFunction<LeakProbe.Reading> f, boolean bytes) {
        long first = f.applyAsLong(baseline);
        long last = f.applyAsLong(end);
        if (first < 0 || last < 0) {
            failures.add(what + " not reported");
            return;
        }
        double limit = first * (1 + LEAK_MARGIN);
        boolean ok = last <= limit;
        out.printf(Locale.ROOT, "  %-22s %14s %14s %14s  %s%n", what, bytes ? mb(first) : Long.toString(first),
                bytes ? mb(last) : Long.toString(last), bytes ? mb((long) limit) : String.format(Locale.ROOT,
                        "%.1f", limit), ok ? "ok" : "GREW");
        if (!ok) {
            failures.add(what + " grew from " + first + " to " + last + " (limit " + (long) limit + ")");
        }
    }

    static String seconds(Duration d) {
        return seconds(d.toMillis() / 1000.0);
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.2f s", s);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
