package dev.herald.bgp.codec;

import dev.herald.bgp.message.NotificationMessage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Emitted by the decoder instead of a message when the input breaks the protocol: the session sends
 * {@link #notification()} and closes. The decoder reads nothing more from that connection.
 *
 * @param notification the NOTIFICATION RFC 4271 §6 prescribes
 * @param reason what exactly was wrong, for the log
 */
@ProviderType
public record MalformedMessage(NotificationMessage notification, String reason) {
}
