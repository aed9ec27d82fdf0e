package dev.herald.bgp.message;

import org.osgi.annotation.versioning.ProviderType;

/** Address family identifiers (IANA) that Herald speaks; SAFI is always unicast (1). */
@ProviderType
public enum Afi {
    IPV4(1, 4), IPV6(2, 16);

    /** SAFI 1, unicast. */
    public static final int SAFI_UNICAST = 1;

    private final int code;
    private final int addressBytes;

    Afi(int code, int addressBytes) {
        this.code = code;
        this.addressBytes = addressBytes;
    }

    public int code() {
        return code;
    }

    public int addressBytes() {
        return addressBytes;
    }

    public int maxPrefixLength() {
        return addressBytes * 8;
    }

    /** The AFI for a code, or null when Herald does not speak it. */
    public static Afi of(int code) {
        return code == 1 ? IPV4 : code == 2 ? IPV6 : null;
    }
}
