package dev.herald.kube;

import dev.herald.api.Addresses;
import dev.herald.api.Advertisements;
import dev.herald.api.BfdSettings;
import dev.herald.api.BgpPeerSpec;
import dev.herald.api.BgpPolicy;
import dev.herald.api.BgpPolicySpec;
import dev.herald.api.Confederation;
import dev.herald.api.LabelSelector;
import dev.herald.api.PeerTimers;
import dev.herald.api.ServiceIPType;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a {@code crd.antrea.io/v1alpha1} BGPPolicy, as the API server returns it (a generic JSON tree), into a
 * validated {@link BgpPolicy}, applying the CRD's defaults itself: old or hand-edited objects, and API servers that
 * do not default (the test mock), must give the same result. Every error names the field.
 */
public final class BgpPolicyParser {
    /**
     * The most peers one policy may list. A node peers with its top-of-rack routers or route reflectors, a handful;
     * each peer costs a session, connection attempts and an Adj-RIB-Out of about 45 bytes per route
     * (docs/performance.md), so a list of thousands is refused before any of it is read (docs/robustness.md,
     * "Hostile cluster input"). The CRD says the same ({@code maxItems}).
     */
    public static final int MAX_PEERS = 100;

    private BgpPolicyParser() {
    }

    /**
     * A BGPPolicy object as its informer delivers it: name, creation time and generation from the metadata, the
     * spec from the object's content.
     *
     * @throws IllegalArgumentException naming the first invalid field
     */
    @SuppressWarnings("unchecked")
    static BgpPolicy parse(GenericKubernetesResource r) {
        Object spec = r.getAdditionalProperties().get("spec");
        if (spec != null && !(spec instanceof Map)) {
            // the CRD's schema makes spec an object, but not every API server validates (the test mock does not)
            throw new IllegalArgumentException("spec must be an object");
        }
        return parse(r.getMetadata().getName(), r.getMetadata().getCreationTimestamp(),
                r.getMetadata().getGeneration(), (Map<String, Object>) spec);
    }

    /**
     * @param metadata the object's metadata: name, creationTimestamp (RFC 3339), generation
     * @param spec the object's spec
     * @throws IllegalArgumentException naming the first invalid field
     */
    public static BgpPolicy parse(String name, String creationTimestamp, Long generation, Map<String, Object> spec) {
        Instant created;
        try {
            created = creationTimestamp == null ? Instant.EPOCH : Instant.parse(creationTimestamp);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("metadata.creationTimestamp '" + creationTimestamp + "' is not a time");
        }
        if (spec == null) {
            throw new IllegalArgumentException("spec is missing");
        }
        LabelSelector selector = selector(map(spec, "nodeSelector", true));
        long localAsn = integer(spec, "localASN", null, 1, 65535);
        int listenPort = (int) integer(spec, "listenPort", 179L, 1, 65535);
        Optional<Confederation> confederation = Optional.ofNullable(map(spec, "confederation", false))
                .map(BgpPolicyParser::confederation);
        Advertisements advertisements = advertisements(map(spec, "advertisements", false));
        List<BgpPeerSpec> peers = new ArrayList<>();
        Object rawPeers = spec.get("bgpPeers");
        if (rawPeers != null) {
            if (!(rawPeers instanceof List<?> list)) {
                throw new IllegalArgumentException("spec.bgpPeers must be a list");
            }
            if (list.size() > MAX_PEERS) {
                throw new IllegalArgumentException("spec.bgpPeers has " + list.size() + " entries; at most "
                        + MAX_PEERS + " peers are supported per BGPPolicy");
            }
            Map<IPAddress, Integer> firstAt = new HashMap<>();
            for (int i = 0; i < list.size(); i++) {
                BgpPeerSpec p = peer(list.get(i), "spec.bgpPeers[" + i + "]");
                // a router runs one session per neighbour address: a second entry for it, whatever its AS number
                // or port, could never be a session of its own
                Integer first = firstAt.putIfAbsent(p.address(), i);
                if (first != null) {
                    throw new IllegalArgumentException("spec.bgpPeers[" + i + "].address " + p.address()
                            + " repeats spec.bgpPeers[" + first + "]'s: one session per peer address");
                }
                peers.add(p);
            }
        }
        return new BgpPolicy(name, created, generation == null ? 0 : generation,
                new BgpPolicySpec(selector, localAsn, listenPort, confederation, advertisements, peers));
    }

    private static LabelSelector selector(Map<String, Object> m) {
        Map<String, String> labels = new LinkedHashMap<>();
        Object ml = m.get("matchLabels");
        if (ml != null) {
            if (!(ml instanceof Map<?, ?> mm)) {
                throw new IllegalArgumentException("spec.nodeSelector.matchLabels must be a map");
            }
            mm.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
        }
        List<LabelSelector.Requirement> reqs = new ArrayList<>();
        Object me = m.get("matchExpressions");
        if (me != null) {
            if (!(me instanceof List<?> list)) {
                throw new IllegalArgumentException("spec.nodeSelector.matchExpressions must be a list");
            }
            for (int i = 0; i < list.size(); i++) {
                String where = "spec.nodeSelector.matchExpressions[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> e)) {
                    throw new IllegalArgumentException(where + " must be an object");
                }
                Set<String> values = new HashSet<>();
                if (e.get("values") instanceof List<?> vs) {
                    vs.forEach(v -> values.add(String.valueOf(v)));
                }
                try {
                    reqs.add(new LabelSelector.Requirement(String.valueOf(e.get("key")),
                            LabelSelector.Operator.parse(String.valueOf(e.get("operator"))), values));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(where + ": " + ex.getMessage(), ex);
                }
            }
        }
        try {
            return new LabelSelector(labels, reqs);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("spec.nodeSelector: " + ex.getMessage(), ex);
        }
    }

    private static Confederation confederation(Map<String, Object> m) {
        long id = integer(m, "identifier", null, 1, 65535, "spec.confederation.");
        Set<Long> members = new HashSet<>();
        Object raw = m.get("memberASNs");
        if (raw != null) {
            if (!(raw instanceof List<?> list)) {
                throw new IllegalArgumentException("spec.confederation.memberASNs must be a list");
            }
            for (Object o : list) {
                members.add(asLong(o, "spec.confederation.memberASNs", 1, 65535));
            }
        }
        return new Confederation(id, members);
    }

    private static Advertisements advertisements(Map<String, Object> m) {
        if (m == null) {
            return Advertisements.NONE;
        }
        Set<ServiceIPType> types = EnumSet.noneOf(ServiceIPType.class);
        if (m.get("service") instanceof Map<?, ?> svc && svc.get("ipTypes") instanceof List<?> list) {
            for (Object t : list) {
                try {
                    types.add(ServiceIPType.parse(String.valueOf(t)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("spec.advertisements.service.ipTypes: " + e.getMessage(), e);
                }
            }
        }
        // presence means on: "pod: {}" and "egress: {}"
        return new Advertisements(types, m.containsKey("pod") && m.get("pod") != null,
                m.containsKey("egress") && m.get("egress") != null);
    }

    private static BgpPeerSpec peer(Object raw, String where) {
        if (!(raw instanceof Map<?, ?> r)) {
            throw new IllegalArgumentException(where + " must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) r;
        Object address = m.get("address");
        if (address == null) {
            throw new IllegalArgumentException(where + ".address is required");
        }
        try {
            return new BgpPeerSpec(unicast(String.valueOf(address), where + ".address"),
                    integer(m, "asn", null, 1, 65535, where + "."),
                    (int) integer(m, "port", 179L, 1, 65535, where + "."),
                    (int) integer(m, "multihopTTL", 1L, 1, 255, where + "."),
                    (int) integer(m, "gracefulRestartTimeSeconds", 120L, 1, 3600, where + "."),
                    new PeerTimers((int) integer(m, "holdTimeSeconds", 90L, 0, 65535, where + "."),
                            (int) optionalInteger(m, "keepaliveIntervalSeconds", 1, 65535, where + "."),
                            (int) optionalInteger(m, "connectRetrySeconds", 1, 65535, where + ".")),
                    bool(m, "gracefulRestartEnabled", true, where + "."), bfd(m.get("bfd"), where + ".bfd"));
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith(where)) {
                throw e;
            }
            // a record's own check names its field ("holdTimeSeconds 2 is ..."): make that the field's full path
            String field = e.getMessage().split("[ .]", 2)[0];
            throw new IllegalArgumentException(where + (m.containsKey(field) ? "." : ": ") + e.getMessage(), e);
        }
    }

    /**
     * A peer's address: one unicast address. The unspecified address (0.0.0.0, ::) would connect to this very host,
     * and multicast or broadcast addresses can never be a TCP session's other end.
     */
    private static IPAddress unicast(String text, String what) {
        IPAddress a = Addresses.address(text, what);
        if (a.isAnyLocal() || a.isMulticast() || (a.isIPv4() && a.toIPv4().intValue() == -1)) {
            throw new IllegalArgumentException(what + " '" + text + "' is not a unicast address");
        }
        return a;
    }

    /** A {@code bfd} block (docs/bgp-policy.md, "Timers and BFD"); absent means no BFD. */
    private static BfdSettings bfd(Object raw, String where) {
        if (raw == null) {
            return BfdSettings.DISABLED;
        }
        if (!(raw instanceof Map<?, ?> r)) {
            throw new IllegalArgumentException(where + " must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) r;
        if (m.get("enabled") == null) {
            throw new IllegalArgumentException(where + ".enabled is required");
        }
        int ms = BfdSettings.DEFAULT_INTERVAL_MILLISECONDS;
        return new BfdSettings(bool(m, "enabled", false, where + "."),
                (int) integer(m, "minReceiveIntervalMilliseconds", (long) ms, 10, 60000, where + "."),
                (int) integer(m, "minTransmitIntervalMilliseconds", (long) ms, 10, 60000, where + "."),
                (int) integer(m, "detectionMultiplier", (long) BfdSettings.DEFAULT_DETECTION_MULTIPLIER, 1, 255,
                        where + "."));
    }

    private static boolean bool(Map<String, Object> m, String field, boolean dflt, String prefix) {
        Object v = m.get(field);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException(prefix + field + " must be true or false, not '" + v + "'");
        }
        return b;
    }

    /** An integer field without a default: 0 when absent, else within {@code min..max}. */
    private static long optionalInteger(Map<String, Object> m, String field, long min, long max, String prefix) {
        Object v = m.get(field);
        return v == null ? 0 : asLong(v, prefix + field, min, max);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String field, boolean required) {
        Object v = parent.get(field);
        if (v == null) {
            if (required) {
                throw new IllegalArgumentException("spec." + field + " is required");
            }
            return null;
        }
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("spec." + field + " must be an object");
        }
        return (Map<String, Object>) v;
    }

    private static long integer(Map<String, Object> m, String field, Long dflt, long min, long max) {
        return integer(m, field, dflt, min, max, "spec.");
    }

    private static long integer(Map<String, Object> m, String field, Long dflt, long min, long max, String prefix) {
        Object v = m.get(field);
        if (v == null) {
            if (dflt == null) {
                throw new IllegalArgumentException(prefix + field + " is required");
            }
            return dflt;
        }
        return asLong(v, prefix + field, min, max);
    }

    private static long asLong(Object v, String what, long min, long max) {
        // exactly the number written: a big integer's longValue() keeps only its low 64 bits, so 2^64 + 1 read as 1
        BigDecimal exact = null;
        if (v instanceof Number num) {
            try {
                exact = new BigDecimal(num.toString());
            } catch (NumberFormatException e) {
                exact = null; // NaN or infinity
            }
        }
        if (exact == null || (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0)) {
            throw new IllegalArgumentException(what + " must be an integer, not '" + v + "'");
        }
        if (exact.compareTo(BigDecimal.valueOf(min)) < 0 || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new IllegalArgumentException(what + " " + v + " is not in " + min + ".." + max);
        }
        return exact.longValueExact();
    }
}
