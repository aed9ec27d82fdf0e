package dev.herald.launcher;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/herald}: runs the agent in the foreground; subcommands add the simulator and status queries. */
@Command(name = "herald", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = GetCommand.class,
        description = "Herald, a BGP agent for Kubernetes nodes. With no command, runs the agent in the foreground "
                + "until SIGTERM or Ctrl-C.")
public final class Main implements Callable<Integer> {
    @Option(names = "--home", description = "The distribution folder (default: the folder bin/herald is in).")
    Path home;

    @Option(names = "--clean", description = "Wipe data/ (the framework cache) before starting.")
    boolean clean;

    @Option(names = "--shell", description = "Attach an Apache Felix Gogo shell to the console; "
            + "'stop 0' or Ctrl-C stops the agent.")
    boolean shell;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return new Agent(resolveHome(), shell).run(clean);
    }

    HeraldHome resolveHome() {
        if (home != null) {
            return new HeraldHome(home);
        }
        String prop = System.getProperty("herald.home", System.getenv("HERALD_HOME"));
        return new HeraldHome(Path.of(prop == null ? "." : prop));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"herald " + (v == null ? "(development)" : v)};
        }
    }
}
