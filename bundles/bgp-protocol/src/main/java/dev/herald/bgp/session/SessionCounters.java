package dev.herald.bgp.session;

import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.NotificationMessage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a peer's sessions exchanged: messages by type in each direction, NOTIFICATIONs by code and subcode, and how
 * often a session reached Established. Counted on the event loop as messages pass; read from any thread.
 *
 * <p>Codes come from the wire, so a hostile peer could make up many: past {@link #MAX_CODES} distinct pairs per
 * direction the rest count under {@link #OTHER}, and a reader's series stay bounded.
 */
@ProviderType
public final class SessionCounters {
    /** The key NOTIFICATIONs beyond {@link #MAX_CODES} distinct codes are counted under. */
    public static final int OTHER = -1;
    static final int MAX_CODES = 64;
    /** Message types 1 (OPEN) to 5 (ROUTE-REFRESH) at their own index; 0 takes every other type. */
    private final AtomicLongArray sent = new AtomicLongArray(6);
    private final AtomicLongArray received = new AtomicLongArray(6);
    private final Map<Integer, AtomicLong> notificationsSent = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> notificationsReceived = new ConcurrentHashMap<>();
    private final AtomicLong established = new AtomicLong();

    void sent(BgpMessage m) {
        sent.incrementAndGet(index(m.type()));
        if (m instanceof NotificationMessage n) {
            count(notificationsSent, n);
        }
    }

    void received(BgpMessage m) {
        received.incrementAndGet(index(m.type()));
        if (m instanceof NotificationMessage n) {
            count(notificationsReceived, n);
        }
    }

    void established() {
        established.incrementAndGet();
    }

    /** Messages of wire type {@code type} (1 to 5) sent so far. */
    public long sent(int type) {
        return sent.get(index(type));
    }

    public long received(int type) {
        return received.get(index(type));
    }

    /** Every message sent, whatever its type. */
    public long sentTotal() {
        return total(sent);
    }

    public long receivedTotal() {
        return total(received);
    }

    /** NOTIFICATIONs sent, keyed {@link #key(int, int)} (or {@link #OTHER}). */
    public Map<Integer, Long> notificationsSent() {
        return snapshot(notificationsSent);
    }

    public Map<Integer, Long> notificationsReceived() {
        return snapshot(notificationsReceived);
    }

    public long establishedTransitions() {
        return established.get();
    }

    /** The map key of a code and subcode: {@code code << 8 | subcode}. */
    public static int key(int code, int subcode) {
        return (code & 0xff) << 8 | (subcode & 0xff);
    }

    private static int index(int type) {
        return type >= 1 && type <= 5 ? type : 0;
    }

    private static void count(Map<Integer, AtomicLong> byCode, NotificationMessage n) {
        int key = key(n.code(), n.subcode());
        AtomicLong c = byCode.get(key);
        if (c == null) {
            c = byCode.size() < MAX_CODES ? byCode.computeIfAbsent(key, k -> new AtomicLong())
                    : byCode.computeIfAbsent(OTHER, k -> new AtomicLong());
        }
        c.incrementAndGet();
    }

    private static long total(AtomicLongArray a) {
        long t = 0;
        for (int i = 0; i < a.length(); i++) {
            t += a.get(i);
        }
        return t;
    }

    private static Map<Integer, Long> snapshot(Map<Integer, AtomicLong> byCode) {
        Map<Integer, Long> m = new java.util.HashMap<>();
        byCode.forEach((k, v) -> m.put(k, v.get()));
        return Map.copyOf(m);
    }
}
