package dev.herald.bgp.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A hook into every connection of a {@link BgpPeer}: its handler sits between the connection's codec and its state
 * machine, so it sees each {@link dev.herald.bgp.message.BgpMessage} both ways (reads inbound, writes outbound) and
 * may hold or drop them, as a test peer does to watch NOTIFICATIONs or to freeze a session. The supported way in;
 * the pipeline's handler names are no API.
 */
@ConsumerType
@FunctionalInterface
public interface SessionTap {
    /**
     * The handler for a new connection, or null for none. Called on the peer's event loop before the connection
     * reads anything.
     */
    ChannelHandler handlerFor(Channel channel, boolean outgoing);
}
