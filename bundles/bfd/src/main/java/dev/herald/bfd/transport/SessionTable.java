package dev.herald.bfd.transport;

import dev.herald.bfd.packet.BfdControlPacket;
import dev.herald.bfd.packet.DiscardReason;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The sessions of an endpoint, found by local discriminator or by peer address and mode (RFC 5880 §6.3, RFC 5881
 * §3, RFC 5883 §3). Used on the event loop only.
 */
final class SessionTable {
    /** A peer as the demultiplexing of packets without Your Discriminator sees it. */
    record PeerKey(InetAddress remote, boolean multihop) {
    }

    /** The session a packet belongs to, or why there is none. */
    record Selection(SessionHandle session, DiscardReason reason) {
    }

    private static final int DISCRIMINATOR_ATTEMPTS = 1000;

    private final Map<Long, SessionHandle> byDiscriminator = new HashMap<>();
    private final Map<PeerKey, List<SessionHandle>> byPeer = new HashMap<>();
    private final RandomGenerator random;

    SessionTable(RandomGenerator random) {
        this.random = random;
    }

    /** A random non-zero discriminator no session of this table has. */
    long newDiscriminator() {
        for (int i = 0; i < DISCRIMINATOR_ATTEMPTS; i++) {
            long d = random.nextLong(1, 0x1_0000_0000L);
            if (!byDiscriminator.containsKey(d)) {
                return d;
            }
        }
        throw new IllegalStateException("no free BFD discriminator found in " + DISCRIMINATOR_ATTEMPTS + " tries");
    }

    void add(SessionHandle s) {
        if (byDiscriminator.putIfAbsent(s.localDiscriminator(), s) != null) {
            throw new IllegalStateException("discriminator " + s.localDiscriminator() + " is taken");
        }
        byPeer.computeIfAbsent(new PeerKey(s.remote(), s.multihop()), k -> new ArrayList<>(1)).add(s);
    }

    void remove(SessionHandle s) {
        byDiscriminator.remove(s.localDiscriminator(), s);
        PeerKey key = new PeerKey(s.remote(), s.multihop());
        List<SessionHandle> list = byPeer.get(key);
        if (list != null) {
            list.remove(s);
            if (list.isEmpty()) {
                byPeer.remove(key);
            }
        }
    }

    /** Whether a session for this peer, local address and mode exists (there may be only one). */
    boolean contains(InetAddress remote, InetAddress local, boolean multihop) {
        for (SessionHandle s : byPeer.getOrDefault(new PeerKey(remote, multihop), List.of())) {
            if (s.local().orElse(null) == null || local == null || s.local().get().equals(local)) {
                return true;
            }
        }
        return false;
    }

    Collection<SessionHandle> all() {
        return List.copyOf(byDiscriminator.values());
    }

    /**
     * The session of a packet received from {@code sender} on the single-hop or multihop socket, addressed to
     * {@code recipient} (null or a wildcard address when the socket cannot tell).
     */
    Selection select(BfdControlPacket p, InetAddress sender, InetAddress recipient, boolean multihop) {
        if (p.yourDiscriminator() != 0) {
            SessionHandle s = byDiscriminator.get(p.yourDiscriminator());
            if (s == null) {
                return new Selection(null, DiscardReason.UNKNOWN_YOUR_DISCRIMINATOR);
            }
            if (s.multihop() != multihop || !sameAddress(s.remote(), sender)) {
                return new Selection(null, DiscardReason.SESSION_MISMATCH);
            }
            return new Selection(s, null);
        }
        List<SessionHandle> candidates = byPeer.getOrDefault(new PeerKey(sender, multihop), List.of());
        boolean knowRecipient = recipient != null && !recipient.isAnyLocalAddress();
        SessionHandle fallback = null;
        for (SessionHandle s : candidates) {
            InetAddress local = s.local().orElse(null);
            if (knowRecipient && local != null && sameAddress(local, recipient)) {
                return new Selection(s, null);
            }
            if (local == null || !knowRecipient) {
                fallback = fallback == null ? s : fallback;
            }
        }
        return fallback != null ? new Selection(fallback, null)
                : new Selection(null, DiscardReason.NO_SESSION_FOR_ADDRESSES);
    }

    /** Equal addresses; an IPv6 link-local address matches whatever its scope. */
    private static boolean sameAddress(InetAddress a, InetAddress b) {
        if (a instanceof Inet6Address && b instanceof Inet6Address) {
            return java.util.Arrays.equals(a.getAddress(), b.getAddress());
        }
        return a.equals(b);
    }
}
