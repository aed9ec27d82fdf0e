package dev.herald.simulator.whatif;

/** The what-if cannot run as asked (unreadable or invalid policy, cluster unreachable): exit code 2. */
public final class WhatIfException extends Exception {
    private static final long serialVersionUID = 1L;

    public WhatIfException(String message) {
        super(message);
    }
}
