package dev.herald.controller;

import dev.herald.api.Addresses;
import dev.herald.api.NodeInfo;
import inet.ipaddr.ipv4.IPv4Address;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * How a node's BGP router ID is chosen (docs/bgp-policy.md, Behaviour §3): the
 * {@code node.antrea.io/bgp-router-id} annotation when present (it must be an IPv4 address); else the Node's first
 * IPv4 InternalIP; else, on IPv6-only nodes, a 32-bit FNV-1a hash of the Node name written as a dotted IPv4
 * address.
 */
public final class RouterIds {
    private RouterIds() {
    }

    /** The chosen ID, and whether it came from the annotation (otherwise it should be written back). */
    public record Choice(IPv4Address routerId, boolean fromAnnotation) {
    }

    /** @throws IllegalArgumentException when the annotation is present but not an IPv4 address */
    public static Choice choose(NodeInfo node) {
        String annotated = node.annotations().get(NodeInfo.ROUTER_ID_ANNOTATION);
        if (annotated != null) {
            try {
                return new Choice(Addresses.ipv4(annotated, "router ID annotation"), true);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Node " + node.name() + " has an invalid "
                        + NodeInfo.ROUTER_ID_ANNOTATION + " annotation '" + annotated
                        + "': it must be an IPv4 address", e);
            }
        }
        Optional<IPv4Address> v4 = node.ipv4Address().map(a -> a.toIPv4());
        return new Choice(v4.orElseGet(() -> hashed(node.name())), false);
    }

    /** FNV-1a, 32 bits, of the name's UTF-8 bytes, as a dotted IPv4 address ({@code node1} → 15.78.40.116). */
    static IPv4Address hashed(String name) {
        int h = 0x811C9DC5;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x01000193;
        }
        return new IPv4Address(h);
    }
}
