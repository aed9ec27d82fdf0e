package dev.herald.bench.soak;

/**
 * The faults of the soak (docs/robustness.md, "Soak under faults"): what each does, which of the two routers'
 * sessions it must reset, and under which heading it is counted.
 */
enum FaultKind {
    BIRD_RESTART(Category.PEER_RESTART, Target.BIRD, "BIRD stopped (SIGTERM) and started again"),
    BIRD_CRASH(Category.PEER_RESTART, Target.BIRD, "BIRD killed (SIGKILL) and started again"),
    FRR_RESTART(Category.PEER_RESTART, Target.FRR, "bgpd stopped (SIGTERM) and started again"),
    FRR_CRASH(Category.PEER_RESTART, Target.FRR, "bgpd killed (SIGKILL) and started again"),
    BIRD_CONNECTION_KILLED(Category.KILLED_CONNECTION, Target.BIRD, "the TCP connection to BIRD aborted (RST)"),
    FRR_CONNECTION_KILLED(Category.KILLED_CONNECTION, Target.FRR, "the TCP connection to FRR aborted (RST)"),
    BOTH_CONNECTIONS_KILLED(Category.KILLED_CONNECTION, Target.BOTH, "both TCP connections aborted at once"),
    BIRD_ADMIN_RESET(Category.NOTIFICATION, Target.BIRD, "BIRD resets the session: Cease/Administrative Reset (6/4)"),
    FRR_ADMIN_RESET(Category.NOTIFICATION, Target.FRR, "FRR clears the session: Cease/Administrative Reset (6/4)"),
    BIRD_ADMIN_SHUTDOWN(Category.NOTIFICATION, Target.BIRD,
            "BIRD disables the session, then enables it: Cease/Administrative Shutdown (6/2)"),
    FRR_ADMIN_SHUTDOWN(Category.NOTIFICATION, Target.FRR,
            "FRR shuts the neighbour down, then up: Cease/Administrative Shutdown (6/2)"),
    BIRD_HOLD_TIMER(Category.NOTIFICATION, Target.BIRD,
            "BIRD frozen (SIGSTOP) until the agent's hold timer expires: Hold Timer Expired (4/0) sent"),
    FRR_HOLD_TIMER(Category.NOTIFICATION, Target.FRR,
            "bgpd frozen (SIGSTOP) until the agent's hold timer expires: Hold Timer Expired (4/0) sent"),
    BIRD_BAD_PEER_AS(Category.NOTIFICATION, Target.BIRD,
            "BIRD expects another AS for the agent until it refused an OPEN: OPEN error/Bad Peer AS (2/2)"),
    FRR_BAD_PEER_AS(Category.NOTIFICATION, Target.FRR,
            "FRR expects another AS for the agent until it refused an OPEN: OPEN error/Bad Peer AS (2/2)"),
    FRR_PEER_CHANGED(Category.NOTIFICATION, Target.FRR,
            "FRR's hold time changed in the BGPPolicy: Cease/Other Configuration Change (6/6) sent"),
    BIRD_PEER_REMOVED(Category.NOTIFICATION, Target.BIRD,
            "BIRD removed from the BGPPolicy, then added back: Cease/Peer De-configured (6/3) sent"),
    API_CUTOFF(Category.API_CUTOFF, Target.NONE,
            "the API server unreachable for the agent while Services change; then its watches are checked"),
    SWAP_TO_GOBGP(Category.BACKEND_SWAP, Target.BOTH, "backend = gobgp in etc/herald.cfg"),
    SWAP_TO_NATIVE(Category.BACKEND_SWAP, Target.BOTH, "backend = native in etc/herald.cfg");

    /** The headings the soak counts faults under. */
    enum Category {
        PEER_RESTART("peer restarts"),
        KILLED_CONNECTION("killed connections"),
        NOTIFICATION("NOTIFICATIONs"),
        API_CUTOFF("API server cut-offs"),
        BACKEND_SWAP("backend swaps");

        final String label;

        Category(String label) {
            this.label = label;
        }
    }

    /** Whose sessions a fault must reset. */
    enum Target {
        NONE(false, false), BIRD(true, false), FRR(false, true), BOTH(true, true);

        final boolean bird;
        final boolean frr;

        Target(boolean bird, boolean frr) {
            this.bird = bird;
            this.frr = frr;
        }

        int sessions() {
            return (bird ? 1 : 0) + (frr ? 1 : 0);
        }
    }

    final Category category;
    final Target target;
    final String description;

    FaultKind(Category category, Target target, String description) {
        this.category = category;
        this.target = target;
        this.description = description;
    }

    /** The name the soak prints: {@code bird-admin-reset}. */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
