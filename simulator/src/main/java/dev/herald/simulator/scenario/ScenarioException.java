package dev.herald.simulator.scenario;

/** A scenario file that cannot be run as written; the message names the place and what is wrong. */
public final class ScenarioException extends RuntimeException {
    public ScenarioException(String message) {
        super(message);
    }
}
