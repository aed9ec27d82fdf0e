package dev.herald.bgp.codec;

import dev.herald.bgp.message.BgpMessage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a connection has negotiated that changes the wire format. Starts at the RFC 4271 defaults (2-octet AS
 * numbers, 4096-byte messages) and is switched once both OPENs are known. One per connection; read and written from
 * the connection's event loop only.
 */
@ProviderType
public final class CodecContext {
    private volatile boolean fourOctetAs;
    private volatile boolean extendedMessages;

    /** Both sides advertised the 4-octet AS capability (RFC 6793). */
    public boolean fourOctetAs() {
        return fourOctetAs;
    }

    public void fourOctetAs(boolean value) {
        fourOctetAs = value;
    }

    /** Both sides advertised extended messages (RFC 8654). */
    public boolean extendedMessages() {
        return extendedMessages;
    }

    public void extendedMessages(boolean value) {
        extendedMessages = value;
    }

    /** The largest UPDATE, NOTIFICATION or ROUTE-REFRESH this connection may carry. */
    public int maxMessageLength() {
        return extendedMessages ? BgpMessage.MAX_EXTENDED_LENGTH : BgpMessage.MAX_LENGTH;
    }

}
