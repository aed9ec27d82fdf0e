package dev.herald.support;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * {@code host:port} of a server to reach, such as a running gobgpd's API: {@code 127.0.0.1:50051},
 * {@code [::1]:50051} or a host name, left unresolved so that a name is looked up at each connection. The settings
 * a server listens on are {@link ListenAddress}.
 */
public final class HostPort {
    private HostPort() {
    }

    /** {@code host:port} or {@code [v6]:port}, not resolved; empty when it is not that. */
    public static Optional<InetSocketAddress> parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return Optional.empty();
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            return Optional.empty(); // an IPv6 address needs brackets
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535 || host.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(InetSocketAddress.createUnresolved(host, port));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code host:port} for messages, without a lookup: the host as given, or the address's text. */
    public static String format(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }
}
