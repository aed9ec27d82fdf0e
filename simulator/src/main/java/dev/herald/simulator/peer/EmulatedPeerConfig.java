package dev.herald.simulator.peer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One emulated router.
 *
 * @param name shown in logs and reports, e.g. {@code r1}
 * @param address where it listens and connects from: a 127.0.0.x or ::1 address
 * @param port the listening port; 0 picks a free one (see {@link EmulatedPeer#localAddress()})
 * @param asn its AS number
 * @param routerId its BGP identifier, unsigned 32 bits
 * @param md5Password TCP-MD5 (RFC 2385) password for every session; needs the epoll transport
 * @param gracefulRestart advertise the graceful-restart capability (RFC 4724) and act as its receiver
 * @param restartTimeSeconds the restart time it advertises, 0..4095
 * @param holdTime the hold time it proposes: 0 or 3..65535
 * @param active also connect out to {@code connectTo}, not only accept
 * @param connectTo the agents' BGP addresses; connected to when {@code active}
 */
public record EmulatedPeerConfig(String name, InetAddress address, int port, long asn, long routerId,
                                 Optional<String> md5Password, boolean gracefulRestart, int restartTimeSeconds,
                                 int holdTime, boolean active, List<InetSocketAddress> connectTo) {
    public static final int DEFAULT_RESTART_TIME = 120;
    public static final int DEFAULT_HOLD_TIME = 90;

    public EmulatedPeerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        md5Password = Objects.requireNonNull(md5Password, "md5Password").filter(p -> !p.isEmpty());
        connectTo = List.copyOf(connectTo);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("peer " + name + ": port " + port + " is not in 0..65535");
        }
        if (asn < 1 || asn > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("peer " + name + ": AS " + asn + " is not in 1..4294967295");
        }
        if (routerId == 0 || (routerId >>> 32) != 0) {
            throw new IllegalArgumentException("peer " + name + ": router ID " + routerId
                    + " must be a non-zero unsigned 32-bit value");
        }
        if (restartTimeSeconds < 0 || restartTimeSeconds > 4095) {
            throw new IllegalArgumentException("peer " + name + ": restart time " + restartTimeSeconds
                    + " s is not in 0..4095");
        }
        if (holdTime < 0 || holdTime == 1 || holdTime == 2 || holdTime > 65535) {
            throw new IllegalArgumentException("peer " + name + ": hold time " + holdTime
                    + " must be 0 or 3..65535");
        }
        if (active && connectTo.isEmpty()) {
            throw new IllegalArgumentException("peer " + name + " is active but has no address to connect to");
        }
        for (InetSocketAddress a : connectTo) {
            if (a.getAddress() == null || a.getAddress().getClass() != address.getClass()) {
                throw new IllegalArgumentException("peer " + name + " on " + address.getHostAddress()
                        + " cannot connect to " + a + ": not an address of the same family");
            }
        }
    }

    /** A passive router with graceful restart (120 s), hold time 90 s and no password. */
    public static EmulatedPeerConfig of(String name, InetAddress address, int port, long asn, String routerId) {
        return new EmulatedPeerConfig(name, address, port, asn, routerId(routerId), Optional.empty(), true,
                DEFAULT_RESTART_TIME, DEFAULT_HOLD_TIME, false, List.of());
    }

    public EmulatedPeerConfig withPassword(String password) {
        return new EmulatedPeerConfig(name, address, port, asn, routerId, Optional.ofNullable(password),
                gracefulRestart, restartTimeSeconds, holdTime, active, connectTo);
    }

    public EmulatedPeerConfig withGracefulRestart(boolean on, int restartSeconds) {
        return new EmulatedPeerConfig(name, address, port, asn, routerId, md5Password, on, restartSeconds, holdTime,
                active, connectTo);
    }

    public EmulatedPeerConfig withHoldTime(int seconds) {
        return new EmulatedPeerConfig(name, address, port, asn, routerId, md5Password, gracefulRestart,
                restartTimeSeconds, seconds, active, connectTo);
    }

    /** Also connects out to these agents' addresses. */
    public EmulatedPeerConfig connectingTo(List<InetSocketAddress> agents) {
        return new EmulatedPeerConfig(name, address, port, asn, routerId, md5Password, gracefulRestart,
                restartTimeSeconds, holdTime, true, agents);
    }

    /** A dotted-quad router ID as the unsigned 32-bit value BGP carries. */
    public static long routerId(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("router ID " + dotted + " is not a dotted IPv4 address");
        }
        long v = 0;
        for (String p : parts) {
            int octet = Integer.parseInt(p);
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("router ID " + dotted + " is not a dotted IPv4 address");
            }
            v = (v << 8) | octet;
        }
        return v;
    }

    static String routerIdText(long id) {
        return ((id >>> 24) & 0xFF) + "." + ((id >>> 16) & 0xFF) + "." + ((id >>> 8) & 0xFF) + "." + (id & 0xFF);
    }

    @Override
    public String toString() {
        return "EmulatedPeerConfig[" + name + " AS " + asn + " " + address.getHostAddress() + ":" + port
                + " router ID " + routerIdText(routerId) + (md5Password.isPresent() ? " md5" : "")
                + (gracefulRestart ? " GR " + restartTimeSeconds + "s" : "") + " hold " + holdTime
                + (active ? " connecting to " + connectTo : "") + "]";
    }
}
