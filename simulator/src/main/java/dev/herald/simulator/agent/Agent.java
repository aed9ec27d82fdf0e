package dev.herald.simulator.agent;

/**
 * One node's Herald agent as a scenario runs it: in this JVM ({@link SimulatedAgent}) or as the distribution's
 * bundles in an OSGi framework of its own ({@link FrameworkAgent}).
 */
public interface Agent extends AutoCloseable {
    /** The Node the agent runs for. */
    String node();

    /** Stops the agent; its BGP sessions end. */
    @Override
    void close();
}
