package dev.herald.bgp.message;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** A path attribute of an UPDATE (RFC 4271 §4.3, §5; RFC 4760; RFC 6793). */
@ProviderType
public sealed interface PathAttribute {
    int FLAG_OPTIONAL = 0x80;
    int FLAG_TRANSITIVE = 0x40;
    int FLAG_PARTIAL = 0x20;
    int FLAG_EXTENDED_LENGTH = 0x10;

    int ORIGIN = 1;
    int AS_PATH = 2;
    int NEXT_HOP = 3;
    int MULTI_EXIT_DISC = 4;
    int LOCAL_PREF = 5;
    int ATOMIC_AGGREGATE = 6;
    int AGGREGATOR = 7;
    int MP_REACH_NLRI = 14;
    int MP_UNREACH_NLRI = 15;
    int AS4_PATH = 17;
    int AS4_AGGREGATOR = 18;

    int typeCode();

    /** ORIGIN: 0 IGP, 1 EGP, 2 INCOMPLETE. */
    @ProviderType
    record Origin(int value) implements PathAttribute {
        public static final Origin IGP = new Origin(0);

        @Override
        public int typeCode() {
            return ORIGIN;
        }
    }

    /** One AS_PATH segment. */
    @ProviderType
    record Segment(int type, List<Long> asns) {
        public static final int AS_SET = 1;
        public static final int AS_SEQUENCE = 2;
        public static final int AS_CONFED_SEQUENCE = 3;
        public static final int AS_CONFED_SET = 4;

        public Segment {
            asns = List.copyOf(asns);
        }

        public static Segment sequence(Long... asns) {
            return new Segment(AS_SEQUENCE, List.of(asns));
        }
    }

    /** AS_PATH; its ASNs are 2 or 4 octets on the wire depending on the session. */
    @ProviderType
    record AsPath(List<Segment> segments) implements PathAttribute {
        public static final AsPath EMPTY = new AsPath(List.of());

        public AsPath {
            segments = List.copyOf(segments);
        }

        @Override
        public int typeCode() {
            return AS_PATH;
        }
    }

    /** AS4_PATH (RFC 6793): the real path beside an AS_PATH with AS_TRANS toward a 2-octet speaker. */
    @ProviderType
    record As4Path(List<Segment> segments) implements PathAttribute {
        public As4Path {
            segments = List.copyOf(segments);
        }

        @Override
        public int typeCode() {
            return AS4_PATH;
        }
    }

    /** NEXT_HOP for IPv4 NLRI, as an unsigned 32-bit address. */
    @ProviderType
    record NextHop(long address) implements PathAttribute {
        @Override
        public int typeCode() {
            return NEXT_HOP;
        }

        public InetAddress inetAddress() {
            return NextHopAddress.of(new byte[] {(byte) (address >>> 24), (byte) (address >>> 16),
                (byte) (address >>> 8), (byte) address});
        }
    }

    @ProviderType
    record MultiExitDisc(long value) implements PathAttribute {
        @Override
        public int typeCode() {
            return MULTI_EXIT_DISC;
        }
    }

    @ProviderType
    record LocalPref(long value) implements PathAttribute {
        @Override
        public int typeCode() {
            return LOCAL_PREF;
        }
    }

    @ProviderType
    record AtomicAggregate() implements PathAttribute {
        @Override
        public int typeCode() {
            return ATOMIC_AGGREGATE;
        }
    }

    /** AGGREGATOR or AS4_AGGREGATOR. */
    @ProviderType
    record Aggregator(int typeCode, long asn, long address) implements PathAttribute {
    }

    /** MP_REACH_NLRI (RFC 4760): next hop (one address, or global + link-local for IPv6) and prefixes. */
    @ProviderType
    record MpReach(int afi, int safi, byte[] nextHop, List<Prefix> nlri) implements PathAttribute {
        public MpReach {
            nextHop = nextHop.clone();
            nlri = List.copyOf(nlri);
        }

        @Override
        public byte[] nextHop() {
            return nextHop.clone();
        }

        @Override
        public int typeCode() {
            return MP_REACH_NLRI;
        }

        /** The next hop: the address of a 4- or 16-byte field, the global one of a 32-byte field; else empty. */
        public Optional<InetAddress> nextHopAddress() {
            return Optional.ofNullable(NextHopAddress.of(nextHop));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MpReach m && m.afi == afi && m.safi == safi && Arrays.equals(m.nextHop, nextHop)
                    && m.nlri.equals(nlri);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * afi + Arrays.hashCode(nextHop)) + nlri.hashCode();
        }
    }

    /** MP_UNREACH_NLRI (RFC 4760): withdrawn prefixes of one AFI/SAFI. */
    @ProviderType
    record MpUnreach(int afi, int safi, List<Prefix> withdrawn) implements PathAttribute {
        public MpUnreach {
            withdrawn = List.copyOf(withdrawn);
        }

        @Override
        public int typeCode() {
            return MP_UNREACH_NLRI;
        }
    }

    /** An attribute Herald does not interpret; optional transitive ones are passed on with the Partial bit. */
    @ProviderType
    record Unknown(int flags, int typeCode, byte[] value) implements PathAttribute {
        public Unknown {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.flags == flags && u.typeCode == typeCode
                    && Arrays.equals(u.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * flags + typeCode) + Arrays.hashCode(value);
        }
    }
}
