package dev.herald.backend.nativebgp;

import dev.herald.api.PeerCounters;
import dev.herald.api.PeerCounters.MessageType;
import dev.herald.api.PeerCounters.NotificationCode;
import dev.herald.bgp.session.SessionCounters;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/** The protocol kit's session counters in the api's terms, for metrics (docs/metrics.md). */
final class NativePeerCounters {
    /** The api's code for NOTIFICATIONs the kit counted as "other": outside every RFC code. */
    static final NotificationCode OTHER = new NotificationCode(-1, -1);

    private NativePeerCounters() {
    }

    static PeerCounters of(SessionCounters c) {
        Map<MessageType, Long> sent = new EnumMap<>(MessageType.class);
        Map<MessageType, Long> received = new EnumMap<>(MessageType.class);
        for (MessageType t : MessageType.values()) {
            sent.put(t, c.sent(t.code()));
            received.put(t, c.received(t.code()));
        }
        return new PeerCounters(sent, received, codes(c.notificationsSent()), codes(c.notificationsReceived()),
                c.establishedTransitions());
    }

    private static Map<NotificationCode, Long> codes(Map<Integer, Long> byKey) {
        Map<NotificationCode, Long> m = new HashMap<>();
        byKey.forEach((k, v) -> m.put(k == SessionCounters.OTHER ? OTHER : new NotificationCode(k >> 8, k & 0xff),
                v));
        return m;
    }
}
