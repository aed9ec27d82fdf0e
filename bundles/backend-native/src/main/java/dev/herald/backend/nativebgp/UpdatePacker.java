package dev.herald.backend.nativebgp;

import dev.herald.bgp.codec.BgpMessageEncoder;
import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.Prefix;
import dev.herald.bgp.message.UpdateMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Packs prefixes that share one attribute set into as few UPDATEs as the message size allows: every UPDATE is
 * filled to the limit before the next starts. Withdrawals likewise (the IPv4 withdrawn-routes field, or
 * MP_UNREACH_NLRI). The attributes are fixed per peer, so sizes are computed once per message, not per prefix.
 */
final class UpdatePacker {
    private UpdatePacker() {
    }

    /** The next UPDATE withdrawing prefixes taken (and removed) from {@code pending}, all of {@code afi}. */
    static UpdateMessage withdrawals(Afi afi, Iterator<Prefix> pending, int maxLength, CodecContext codec) {
        int room = maxLength - BgpMessageEncoder.updateLength(List.of(), List.of(), List.of(), codec);
        if (afi == Afi.IPV6) {
            room -= 4 + 3; // MP_UNREACH_NLRI header (extended length) and AFI/SAFI
        }
        List<Prefix> batch = take(pending, room);
        if (afi == Afi.IPV4) {
            return new UpdateMessage(batch, List.of(), List.of());
        }
        return new UpdateMessage(List.of(), List.of(new PathAttribute.MpUnreach(afi.code(), Afi.SAFI_UNICAST, batch)),
                List.of());
    }

    /**
     * The next UPDATE announcing prefixes from {@code pending} with {@code attributes} (ORIGIN, AS_PATH, and for
     * IPv4 NEXT_HOP); for IPv6 the prefixes go into an MP_REACH_NLRI with {@code ipv6NextHop}.
     */
    static UpdateMessage announcements(Afi afi, List<PathAttribute> attributes, byte[] ipv6NextHop,
                                       Iterator<Prefix> pending, int maxLength, CodecContext codec) {
        int room = maxLength - BgpMessageEncoder.updateLength(List.of(), attributes, List.of(), codec);
        if (afi == Afi.IPV4) {
            return new UpdateMessage(List.of(), attributes, take(pending, room));
        }
        room -= 4 + 5 + ipv6NextHop.length; // MP_REACH_NLRI header (extended length), AFI/SAFI/NH len/NH/reserved
        List<Prefix> batch = take(pending, room);
        List<PathAttribute> all = new ArrayList<>(attributes.size() + 1);
        all.addAll(attributes); // ascending type codes, MP_REACH_NLRI (14) last
        all.add(new PathAttribute.MpReach(afi.code(), Afi.SAFI_UNICAST, ipv6NextHop, batch));
        return new UpdateMessage(List.of(), all, List.of());
    }

    private static List<Prefix> take(Iterator<Prefix> pending, int room) {
        List<Prefix> batch = new ArrayList<>(Math.max(16, room / 5));
        while (pending.hasNext()) {
            Prefix p = pending.next();
            int size = p.encodedSize();
            if (size > room) {
                break;
            }
            room -= size;
            batch.add(p);
            pending.remove();
        }
        return batch;
    }
}
