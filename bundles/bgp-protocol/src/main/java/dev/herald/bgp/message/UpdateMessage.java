package dev.herald.bgp.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * UPDATE (RFC 4271 §4.3). IPv4 unicast prefixes travel in {@link #withdrawn()} and {@link #nlri()}; other families
 * in the MP_REACH_NLRI / MP_UNREACH_NLRI attributes.
 *
 * @param withdrawn IPv4 withdrawn routes
 * @param attributes path attributes in wire order
 * @param nlri IPv4 reachable prefixes
 * @param treatAsWithdraw set by the decoder when RFC 7606 says this UPDATE's prefixes must be treated as withdrawn
 *     instead of resetting the session; the text says why
 */
@ProviderType
public record UpdateMessage(List<Prefix> withdrawn, List<PathAttribute> attributes, List<Prefix> nlri,
                            Optional<String> treatAsWithdraw) implements BgpMessage {
    public UpdateMessage {
        withdrawn = List.copyOf(withdrawn);
        attributes = List.copyOf(attributes);
        nlri = List.copyOf(nlri);
    }

    public UpdateMessage(List<Prefix> withdrawn, List<PathAttribute> attributes, List<Prefix> nlri) {
        this(withdrawn, attributes, nlri, Optional.empty());
    }

    /** End-of-RIB for a family (RFC 4724 §2): an empty UPDATE for IPv4, an empty MP_UNREACH_NLRI otherwise. */
    public static UpdateMessage endOfRib(Afi afi) {
        if (afi == Afi.IPV4) {
            return new UpdateMessage(List.of(), List.of(), List.of());
        }
        return new UpdateMessage(List.of(), List.of(new PathAttribute.MpUnreach(afi.code(), Afi.SAFI_UNICAST,
                List.of())), List.of());
    }

    /** The family this UPDATE is End-of-RIB for, if it is one. */
    public Optional<Afi> endOfRibFamily() {
        if (!withdrawn.isEmpty() || !nlri.isEmpty()) {
            return Optional.empty();
        }
        if (attributes.isEmpty()) {
            return Optional.of(Afi.IPV4);
        }
        if (attributes.size() == 1 && attributes.get(0) instanceof PathAttribute.MpUnreach u
                && u.withdrawn().isEmpty() && u.safi() == Afi.SAFI_UNICAST) {
            return Optional.ofNullable(Afi.of(u.afi()));
        }
        return Optional.empty();
    }

    public <T extends PathAttribute> Optional<T> attribute(Class<T> type) {
        return attributes.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /**
     * The AS numbers of AS_PATH in order; with AS4_PATH (from a speaker without 4-octet AS numbers), merged as RFC
     * 6793 §4.2.3 says: AS4_PATH replaces as many of AS_PATH's last numbers, and is ignored when it is longer.
     */
    public List<Long> asPathNumbers() {
        List<Long> path = asNumbers(attribute(PathAttribute.AsPath.class).map(PathAttribute.AsPath::segments)
                .orElse(List.of()));
        Optional<PathAttribute.As4Path> as4 = attribute(PathAttribute.As4Path.class);
        if (as4.isPresent()) {
            List<Long> four = asNumbers(as4.get().segments());
            if (four.size() <= path.size()) {
                List<Long> merged = new ArrayList<>(path.subList(0, path.size() - four.size()));
                merged.addAll(four);
                return merged;
            }
        }
        return path;
    }

    private static List<Long> asNumbers(List<PathAttribute.Segment> segments) {
        List<Long> out = new ArrayList<>();
        segments.forEach(s -> out.addAll(s.asns()));
        return out;
    }

    /** Every prefix this UPDATE announces, of every family. */
    public List<Prefix> announced() {
        List<Prefix> all = new ArrayList<>(nlri);
        attribute(PathAttribute.MpReach.class).ifPresent(m -> all.addAll(m.nlri()));
        return all;
    }

    /** Every prefix this UPDATE withdraws, of every family (with treat-as-withdraw, the announced ones too). */
    public List<Prefix> withdrawnAll() {
        List<Prefix> all = new ArrayList<>(withdrawn);
        attribute(PathAttribute.MpUnreach.class).ifPresent(m -> all.addAll(m.withdrawn()));
        if (treatAsWithdraw.isPresent()) {
            all.addAll(announced());
        }
        return all;
    }

    @Override
    public int type() {
        return UPDATE;
    }
}
