package dev.herald.api;

import org.osgi.annotation.versioning.ProviderType;

/** Checks for autonomous system numbers; 4-octet ASNs (RFC 6793) are carried as {@code long}. */
@ProviderType
public final class Asn {
    /** The largest 4-octet AS number. */
    public static final long MAX = 0xFFFF_FFFFL;

    private Asn() {
    }

    /**
     * Returns {@code asn} if it is a valid AS number (1..4294967295), else throws.
     *
     * @param what names the field in the error message, for example {@code "localASN"}
     */
    public static long check(long asn, String what) {
        if (asn < 1 || asn > MAX) {
            throw new IllegalArgumentException(what + " " + asn + " is not a valid AS number (1.." + MAX + ")");
        }
        return asn;
    }
}
