package dev.herald.it.peers;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Running short commands (CLIs of the daemons, {@code ip}) and stopping daemons, always with a time limit. */
public final class Commands {
    /** What a finished command printed (stdout and stderr together) and its exit code. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private Commands() {
    }

    /**
     * Runs a command and waits at most {@code timeout} for it. The output goes to a file rather than a pipe: a
     * pipe read would block for as long as any child of the command keeps it open, which no timeout could bound.
     */
    public static Result exec(Duration timeout, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("herald-cmd", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** {@link #exec} that throws, with the command's output, unless the command succeeds. */
    public static String run(Duration timeout, List<String> command) throws IOException, InterruptedException {
        Result r = exec(timeout, command);
        if (!r.ok()) {
            throw new IOException(String.join(" ", command) + " failed (exit " + r.exitCode() + "): "
                    + r.output().trim());
        }
        return r.output();
    }

    /** SIGTERM, then SIGKILL if the process is still there after 5 s. */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Sends a signal ({@code STOP}, {@code CONT}, ...) to a process, with {@code kill}. */
    public static void signal(long pid, String signal) throws IOException, InterruptedException {
        run(Duration.ofSeconds(5), List.of("/bin/kill", "-" + signal, Long.toString(pid)));
    }

    /** The CPU time a process has used (user and system), from /proc; in seconds, at 100 clock ticks a second. */
    public static double cpuSeconds(long pid) throws IOException {
        String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
        // fields 14 and 15 of stat (utime, stime) in clock ticks; after "pid (comm) " they are at 11 and 12
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    /** The last {@code lines} lines of a file, or a note that it does not exist. */
    public static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(" + file + " does not exist)";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Whether a TCP socket listens on {@code address:port} in the network namespace of process {@code pid}, from
     * /proc/PID/net/tcp and tcp6 (a connection attempt would show up in the daemon's log as an unknown peer).
     */
    static boolean listening(long pid, String address, int port) throws IOException {
        byte[] a = InetAddress.getByName(address).getAddress();
        // /proc prints the address as 32-bit words in host (little-endian) order
        StringBuilder hex = new StringBuilder();
        for (int w = 0; w < a.length; w += 4) {
            for (int i = 3; i >= 0; i--) {
                hex.append(String.format(Locale.ROOT, "%02X", a[w + i] & 0xFF));
            }
        }
        String local = hex + ":" + String.format(Locale.ROOT, "%04X", port);
        List<String> table;
        try {
            table = Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", a.length == 4 ? "tcp" : "tcp6"));
        } catch (NoSuchFileException e) {
            return false; // the process is gone
        }
        for (String line : table) {
            String[] f = line.trim().split("\\s+");
            // fields: sl local_address rem_address st ...; 0A is LISTEN
            if (f.length > 3 && f[1].equals(local) && f[3].equals("0A")) {
                return true;
            }
        }
        return false;
    }

    /** Polls {@code check} every 100 ms until it is true, the process died, or {@code limit} passed. */
    static boolean waitUntil(Duration limit, Process process, Check check) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            if (check.ok()) {
                return true;
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
    }

    /** A readiness check that may run a command. */
    @FunctionalInterface
    interface Check {
        boolean ok() throws IOException, InterruptedException;
    }
}
