package dev.herald.api;

import java.util.Map;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What one peer's sessions exchanged since the peer was added to its server, for metrics (docs/metrics.md). A new
 * server (a backend swap, an agent restart) starts again from zero, as a restarted process would.
 *
 * @param sent messages sent, by type
 * @param received messages received, by type
 * @param notificationsSent NOTIFICATIONs sent, by code and subcode; empty where the backend cannot tell codes
 * @param notificationsReceived NOTIFICATIONs received, by code and subcode; empty where the backend cannot tell
 * @param establishedTransitions how many times a session with the peer reached Established
 * @since 1.1
 */
@ProviderType
public record PeerCounters(Map<MessageType, Long> sent, Map<MessageType, Long> received,
                           Map<NotificationCode, Long> notificationsSent,
                           Map<NotificationCode, Long> notificationsReceived, long establishedTransitions) {
    /** Nothing counted: for backends that count nothing, and for peers never started. */
    public static final PeerCounters NONE = new PeerCounters(Map.of(), Map.of(), Map.of(), Map.of(), 0);

    /** The BGP message types of RFC 4271 §4.1 and RFC 2918, as metrics label them. */
    @ProviderType
    public enum MessageType {
        OPEN("open"), UPDATE("update"), NOTIFICATION("notification"), KEEPALIVE("keepalive"),
        ROUTE_REFRESH("route_refresh");

        private final String label;

        MessageType(String label) {
            this.label = label;
        }

        /** The lower-case name metrics use: {@code update}, {@code route_refresh}, ... */
        public String label() {
            return label;
        }

        /** The type's code on the wire: 1 (OPEN) to 5 (ROUTE-REFRESH). */
        public int code() {
            return ordinal() + 1;
        }
    }

    /** A NOTIFICATION's error code and subcode (RFC 4271 §4.5). */
    @ProviderType
    public record NotificationCode(int code, int subcode) {
    }

    public PeerCounters {
        sent = Map.copyOf(Objects.requireNonNull(sent, "sent"));
        received = Map.copyOf(Objects.requireNonNull(received, "received"));
        notificationsSent = Map.copyOf(Objects.requireNonNull(notificationsSent, "notificationsSent"));
        notificationsReceived = Map.copyOf(Objects.requireNonNull(notificationsReceived, "notificationsReceived"));
    }

    public long sent(MessageType type) {
        return sent.getOrDefault(type, 0L);
    }

    public long received(MessageType type) {
        return received.getOrDefault(type, 0L);
    }
}
