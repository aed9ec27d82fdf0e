package dev.herald.bfd.packet;

import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/** What {@link BfdPacketCodec#decode} made of a datagram: a packet, or why it is discarded. */
@ProviderType
public sealed interface DecodeResult {
    /** A packet that passed every reception check the codec makes. */
    @ProviderType
    record Accepted(BfdControlPacket packet) implements DecodeResult {
        public Accepted {
            Objects.requireNonNull(packet, "packet");
        }
    }

    /** A datagram that failed a reception check. */
    @ProviderType
    record Discarded(DiscardReason reason) implements DecodeResult {
        public Discarded {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
