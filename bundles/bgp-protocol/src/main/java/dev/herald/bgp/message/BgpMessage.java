package dev.herald.bgp.message;

import org.osgi.annotation.versioning.ProviderType;

/** A BGP message. The header (marker, length, type) is the codec's business. */
@ProviderType
public sealed interface BgpMessage
        permits OpenMessage, UpdateMessage, NotificationMessage, KeepaliveMessage, RouteRefreshMessage {
    /** Message type codes (RFC 4271 §4.1, RFC 2918). */
    int OPEN = 1;
    int UPDATE = 2;
    int NOTIFICATION = 3;
    int KEEPALIVE = 4;
    int ROUTE_REFRESH = 5;

    /** The smallest and largest message sizes (RFC 4271; RFC 8654 once both sides support it). */
    int HEADER_LENGTH = 19;
    int MAX_LENGTH = 4096;
    int MAX_EXTENDED_LENGTH = 65535;

    int type();
}
