package dev.herald.bgp.message;

import java.util.Arrays;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** A capability advertised in OPEN (RFC 5492). Unknown capabilities are kept as {@link Unknown} and ignored. */
@ProviderType
public sealed interface Capability {
    int MULTIPROTOCOL = 1;
    int ROUTE_REFRESH = 2;
    int EXTENDED_MESSAGE = 6;
    int GRACEFUL_RESTART = 64;
    int FOUR_OCTET_AS = 65;

    int code();

    /** Multiprotocol extensions (RFC 4760): this AFI/SAFI. */
    @ProviderType
    record Multiprotocol(int afi, int safi) implements Capability {
        public static Multiprotocol unicast(Afi afi) {
            return new Multiprotocol(afi.code(), Afi.SAFI_UNICAST);
        }

        @Override
        public int code() {
            return MULTIPROTOCOL;
        }
    }

    /** Route refresh (RFC 2918). */
    @ProviderType
    record RouteRefresh() implements Capability {
        @Override
        public int code() {
            return ROUTE_REFRESH;
        }
    }

    /** Extended messages up to 65535 bytes (RFC 8654). */
    @ProviderType
    record ExtendedMessage() implements Capability {
        @Override
        public int code() {
            return EXTENDED_MESSAGE;
        }
    }

    /** 4-octet AS numbers (RFC 6793): the speaker's real AS. */
    @ProviderType
    record FourOctetAs(long asn) implements Capability {
        @Override
        public int code() {
            return FOUR_OCTET_AS;
        }
    }

    /**
     * Graceful restart (RFC 4724).
     *
     * @param restarting the R bit: this speaker has just restarted
     * @param restartTimeSeconds 0..4095
     * @param families the AFI/SAFIs preserved, each with its forwarding-state bit
     */
    @ProviderType
    record GracefulRestart(boolean restarting, int restartTimeSeconds, List<Family> families)
            implements Capability {
        public GracefulRestart {
            if (restartTimeSeconds < 0 || restartTimeSeconds > 4095) {
                throw new IllegalArgumentException("graceful restart time " + restartTimeSeconds + " not in 0..4095");
            }
            families = List.copyOf(families);
        }

        @Override
        public int code() {
            return GRACEFUL_RESTART;
        }

        /** One AFI/SAFI, with F: forwarding state was preserved over the restart. */
        @ProviderType
        public record Family(int afi, int safi, boolean forwardingPreserved) {
        }
    }

    /** Anything else, kept only to be ignored and logged. */
    @ProviderType
    record Unknown(int code, byte[] value) implements Capability {
        public Unknown {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.code == code && Arrays.equals(u.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * code + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Unknown[code=" + code + ", " + value.length + " bytes]";
        }
    }
}
