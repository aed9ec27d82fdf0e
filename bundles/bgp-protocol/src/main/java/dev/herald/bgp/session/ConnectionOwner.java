package dev.herald.bgp.session;

import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.OpenMessage;

/** What a {@link BgpConnection} tells its peer. Always called on the connection's event loop. */
interface ConnectionOwner {
    /** The peer's OPEN was accepted; the owner resolves collisions now and may close {@code c}. */
    void openReceived(BgpConnection c, OpenMessage open);

    void established(BgpConnection c);

    /** An UPDATE or ROUTE-REFRESH on an Established connection. */
    void received(BgpConnection c, BgpMessage message);

    void writabilityChanged(BgpConnection c);

    /**
     * The connection is over; called exactly once. After a NOTIFICATION of ours its socket may stay open a little
     * longer, until the peer closes it ({@link BgpConnection#close}); {@link BgpConnection#channel()}'s close future
     * says when it is gone.
     */
    void closed(BgpConnection c, CloseReason reason);

    /** A message is about to be written. */
    void countSent(BgpMessage message);

    /** A well-formed message was read. */
    void countReceived(BgpMessage message);
}
