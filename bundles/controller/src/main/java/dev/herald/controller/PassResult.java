package dev.herald.controller;

import java.util.Objects;
import java.util.Optional;

/**
 * How a reconcile pass ended when nothing failed (a failure throws): it did its work, or it waits for something
 * expected to come (a service being bound). A waiting pass is retried after the initial back-off, or at once on a
 * change, and is neither counted nor logged as a failure.
 *
 * @param waitingFor what the pass waits for; empty when it did its work
 */
public record PassResult(Optional<String> waitingFor) {
    public static final PassResult DONE = new PassResult(Optional.empty());

    public PassResult {
        Objects.requireNonNull(waitingFor);
    }

    public static PassResult waiting(String what) {
        return new PassResult(Optional.of(what));
    }

    public boolean done() {
        return waitingFor.isEmpty();
    }
}
