package dev.herald.api;

import inet.ipaddr.IPAddress;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A prefix Herald advertises, with why ({@link RouteType}) and for whom (the owner, for the status API).
 *
 * <p>Backends key their tables by {@link #prefix()} alone: type and owner are metadata. Two routes with the same
 * prefix but different owners (two Services sharing an external IP) are one advertisement; whoever calls
 * {@code withdraw} must only do so once no owner wants the prefix any more.
 *
 * @param prefix a prefix block: host routes are /32 or /128, Pod CIDRs keep their length
 * @param type why the prefix is advertised
 * @param owner {@code namespace/name} of a Service, the name of an Egress, or empty (Pod CIDRs)
 */
@ProviderType
public record Route(IPAddress prefix, RouteType type, Optional<String> owner) {
    /** IPv4 first, then by type, prefix length and address, as Antrea lists routes. */
    public static final Comparator<Route> ORDER = Comparator
            .comparing((Route r) -> r.prefix().isIPv6())
            .thenComparing(Route::type)
            .thenComparing(r -> r.prefix().getNetworkPrefixLength())
            .thenComparing(Route::prefix)
            .thenComparing(r -> r.owner().orElse(""));

    public Route {
        Objects.requireNonNull(prefix, "prefix");
        prefix = Addresses.prefix(prefix, "route prefix");
        Objects.requireNonNull(type, "type");
        owner = Objects.requireNonNull(owner, "owner").filter(o -> !o.isEmpty());
    }

    /** A route from text; an address without a length becomes a host route. */
    public static Route of(String prefix, RouteType type, String owner) {
        return new Route(Addresses.prefix(prefix, "route prefix"), type, Optional.ofNullable(owner));
    }

    public boolean isIPv6() {
        return prefix.isIPv6();
    }

    @Override
    public String toString() {
        return prefix.toCanonicalString() + " " + type.displayName() + owner.map(o -> " " + o).orElse("");
    }
}
