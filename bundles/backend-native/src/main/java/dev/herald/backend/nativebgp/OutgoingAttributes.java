package dev.herald.backend.nativebgp;

import dev.herald.api.GlobalConfig;
import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.PathAttribute.Segment;
import dev.herald.bgp.session.BgpConnection;
import dev.herald.bgp.session.Negotiated;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** The attributes every route to one peer carries (RFC 4271 §5.1, RFC 5065, RFC 6793). */
final class OutgoingAttributes {
    private static final long LOCAL_PREF = 100;

    private OutgoingAttributes() {
    }

    static List<PathAttribute> of(GlobalConfig config, long peerAs, Afi afi, BgpConnection connection) {
        Negotiated n = connection.negotiated();
        boolean internal = peerAs == config.localAsn();
        boolean confedMember = !internal && config.confederation()
                .map(c -> c.memberAsns().contains(peerAs)).orElse(false);
        List<PathAttribute> attrs = new ArrayList<>();
        attrs.add(PathAttribute.Origin.IGP);
        long ownAs = confedMember || config.confederation().isEmpty() ? config.localAsn()
                : config.confederation().get().identifier();
        if (internal) {
            attrs.add(PathAttribute.AsPath.EMPTY);
        } else {
            int segType = confedMember ? Segment.AS_CONFED_SEQUENCE : Segment.AS_SEQUENCE;
            attrs.add(new PathAttribute.AsPath(List.of(new Segment(segType, List.of(ownAs)))));
            if (!n.fourOctetAs() && ownAs > 0xFFFF) {
                // RFC 6793 §4.2.2: AS_TRANS in AS_PATH, the real AS in AS4_PATH
                attrs.add(new PathAttribute.As4Path(List.of(new Segment(segType, List.of(ownAs)))));
            }
        }
        if (afi == Afi.IPV4) {
            InetAddress local = connection.localAddress().getAddress();
            attrs.add(new PathAttribute.NextHop(ipv4Value(local)));
        }
        if (internal || confedMember) {
            attrs.add(new PathAttribute.LocalPref(LOCAL_PREF));
        }
        attrs.sort((a, b) -> Integer.compare(a.typeCode(), b.typeCode()));
        return attrs;
    }

    private static long ipv4Value(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16) {
            b = java.util.Arrays.copyOfRange(b, 12, 16); // IPv4-mapped
        }
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }
}
