package dev.herald.support;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.net.InetSocketAddress;

/**
 * Parses the {@code host:port} settings of etc/herald.cfg, such as {@code 127.0.0.1:8179} or {@code [::1]:8179}, and
 * {@code :9179}: every address of the machine, IPv6 and IPv4 where the kernel has both. Port 0 asks the kernel for a
 * free port (tests use it). Host names are refused, so that no setting depends on DNS.
 */
public final class ListenAddress {
    private ListenAddress() {
    }

    public static InetSocketAddress parse(String text, String setting) {
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        if (colon < 0 || (t.startsWith("[") && !t.substring(0, colon).endsWith("]"))) {
            throw wrong(text, setting);
        }
        int port = port(t.substring(colon + 1), text, setting);
        String host = t.substring(0, colon);
        if (host.isEmpty()) {
            return new InetSocketAddress(port);
        }
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        }
        IPAddress address = new IPAddressString(host).getAddress();
        if (address == null || address.isPrefixed() || address.isIPv6() != bracketed) {
            throw wrong(text, setting);
        }
        return new InetSocketAddress(address.toInetAddress(), port);
    }

    private static IllegalArgumentException wrong(String text, String setting) {
        return new IllegalArgumentException(setting + " '" + text + "' must be an IP address and a port, for example "
                + "127.0.0.1:8179 or [::1]:8179 (or :8179 for every address)");
    }

    private static int port(String digits, String text, String setting) {
        try {
            int port = Integer.parseInt(digits);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(setting + " '" + text + "' is not host:port: the port must be 0 to 65535");
    }
}
