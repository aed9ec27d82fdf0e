package dev.herald.bfd.packet;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Why a received BFD Control packet was discarded. The first nine are the reception checks of RFC 5880 §6.8.6 in
 * its order; the codec applies all but {@link #UNKNOWN_YOUR_DISCRIMINATOR}, which needs the session table. The
 * others come from the endpoint that selects the session.
 */
@ProviderType
public enum DiscardReason {
    /** The Version field is not 1. */
    BAD_VERSION,
    /** The Length field is below 24, or below 26 with the A bit set. */
    LENGTH_TOO_SHORT,
    /** The Length field is larger than the UDP payload (this includes a payload too short to hold a packet). */
    LENGTH_EXCEEDS_PAYLOAD,
    /** Detect Mult is zero. */
    ZERO_DETECT_MULT,
    /** The Multipoint (M) bit is set. */
    MULTIPOINT,
    /** My Discriminator is zero. */
    ZERO_MY_DISCRIMINATOR,
    /** Your Discriminator is zero while the State field is neither Down nor AdminDown. */
    ZERO_YOUR_DISCRIMINATOR_NOT_DOWN,
    /** Your Discriminator names no session of ours (checked by the session table). */
    UNKNOWN_YOUR_DISCRIMINATOR,
    /** The A bit is set: authentication is not supported, so it is never in use (RFC 5880 §6.8.6). */
    AUTHENTICATION_NOT_SUPPORTED,
    /** Your Discriminator is zero and no session matches the packet's addresses and mode (RFC 5881 §3, 5883 §3). */
    NO_SESSION_FOR_ADDRESSES,
    /** Your Discriminator names a session whose peer address or mode (single hop, multihop) differs. */
    SESSION_MISMATCH,
    /** The selected session is AdminDown locally: RFC 5880 §6.8.6 discards the packet. */
    SESSION_ADMIN_DOWN
}
