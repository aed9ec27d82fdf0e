package dev.herald.bfd.session;

import dev.herald.bfd.packet.BfdControlPacket;
import org.osgi.annotation.versioning.ConsumerType;

/** Where a {@link BfdStateMachine} puts the Control packets it sends: the session's socket, or a test's list. */
@ConsumerType
@FunctionalInterface
public interface PacketSender {
    /** Sends one packet to the session's peer; must not block. */
    void send(BfdControlPacket packet);
}
