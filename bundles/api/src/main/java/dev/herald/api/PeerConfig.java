package dev.herald.api;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One BGP neighbour as the server is told about it.
 *
 * @param key address and ASN, the peer's identity
 * @param port the peer's TCP port
 * @param multihopTtl the IP TTL of the session's packets, 1..255 (1 means directly connected)
 * @param gracefulRestartTimeSeconds the restart time advertised in the graceful-restart capability, 1..3600
 * @param password the TCP-MD5 (RFC 2385) password, if any; never printed by {@link #toString()}
 * @param timers hold time, keepalive interval and connect retry (since 1.2)
 * @param gracefulRestart whether the graceful-restart capability (RFC 4724) is offered to this peer (since 1.2)
 * @param bfd BFD beside the session (since 1.2)
 */
@ProviderType
public record PeerConfig(PeerKey key, int port, int multihopTtl, int gracefulRestartTimeSeconds,
                         Optional<String> password, PeerTimers timers, boolean gracefulRestart, BfdSettings bfd) {
    public static final int DEFAULT_PORT = 179;
    public static final int DEFAULT_MULTIHOP_TTL = 1;
    public static final int DEFAULT_GRACEFUL_RESTART_TIME_SECONDS = 120;
    /** The longest TCP-MD5 key Linux accepts (TCP_MD5SIG_MAXKEYLEN), in bytes. */
    public static final int MAX_PASSWORD_BYTES = 80;

    public PeerConfig {
        Objects.requireNonNull(key, "key");
        Ports.check(port, "peer port");
        if (multihopTtl < 1 || multihopTtl > 255) {
            throw new IllegalArgumentException("multihopTTL " + multihopTtl + " is not in 1..255");
        }
        if (gracefulRestartTimeSeconds < 1 || gracefulRestartTimeSeconds > 3600) {
            throw new IllegalArgumentException(
                    "gracefulRestartTimeSeconds " + gracefulRestartTimeSeconds + " is not in 1..3600");
        }
        password = Objects.requireNonNull(password, "password").filter(p -> !p.isEmpty());
        Objects.requireNonNull(timers, "timers");
        Objects.requireNonNull(bfd, "bfd");
    }

    /** A peer with the default timers, graceful restart offered and no BFD, as before 1.2. */
    public PeerConfig(PeerKey key, int port, int multihopTtl, int gracefulRestartTimeSeconds,
                      Optional<String> password) {
        this(key, port, multihopTtl, gracefulRestartTimeSeconds, password, PeerTimers.DEFAULT, true,
                BfdSettings.DISABLED);
    }

    /** A peer with every default: port 179, TTL 1, restart time 120 s, no password. */
    public static PeerConfig of(String address, long asn) {
        return new PeerConfig(PeerKey.of(address, asn), DEFAULT_PORT, DEFAULT_MULTIHOP_TTL,
                DEFAULT_GRACEFUL_RESTART_TIME_SECONDS, Optional.empty());
    }

    public PeerConfig withPort(int p) {
        return new PeerConfig(key, p, multihopTtl, gracefulRestartTimeSeconds, password, timers, gracefulRestart, bfd);
    }

    public PeerConfig withMultihopTtl(int ttl) {
        return new PeerConfig(key, port, ttl, gracefulRestartTimeSeconds, password, timers, gracefulRestart, bfd);
    }

    public PeerConfig withGracefulRestartTimeSeconds(int seconds) {
        return new PeerConfig(key, port, multihopTtl, seconds, password, timers, gracefulRestart, bfd);
    }

    public PeerConfig withPassword(String p) {
        return new PeerConfig(key, port, multihopTtl, gracefulRestartTimeSeconds, Optional.ofNullable(p), timers,
                gracefulRestart, bfd);
    }

    /** @since 1.2 */
    public PeerConfig withTimers(PeerTimers t) {
        return new PeerConfig(key, port, multihopTtl, gracefulRestartTimeSeconds, password, t, gracefulRestart, bfd);
    }

    /** @since 1.2 */
    public PeerConfig withGracefulRestart(boolean offered) {
        return new PeerConfig(key, port, multihopTtl, gracefulRestartTimeSeconds, password, timers, offered, bfd);
    }

    /** @since 1.2 */
    public PeerConfig withBfd(BfdSettings b) {
        return new PeerConfig(key, port, multihopTtl, gracefulRestartTimeSeconds, password, timers, gracefulRestart, b);
    }

    /**
     * The TCP-MD5 key for a password: its UTF-8 bytes, the bytes the Secret holds and the ones a router (or goBGP)
     * configured with the same text uses.
     */
    public static byte[] md5Key(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "PeerConfig[" + key + " port=" + port + " ttl=" + multihopTtl + " grTime="
                + gracefulRestartTimeSeconds + "s" + (password.isPresent() ? " password=<set>" : "")
                + (timers.equals(PeerTimers.DEFAULT) ? "" : " hold=" + timers.holdTimeSeconds() + "s keepalive="
                + timers.keepaliveIntervalSeconds() + "s connectRetry=" + timers.connectRetrySeconds() + "s")
                + (gracefulRestart ? "" : " gr=off")
                + (bfd.enabled() ? " bfd=" + bfd.minReceiveIntervalMilliseconds() + "/"
                + bfd.minTransmitIntervalMilliseconds() + "ms x" + bfd.detectionMultiplier() : "") + "]";
    }
}
