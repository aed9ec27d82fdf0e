package dev.herald.ops;

import inet.ipaddr.HostName;
import inet.ipaddr.HostNameException;
import java.net.InetSocketAddress;

/** Parses {@code host:port} settings such as {@code 127.0.0.1:8179} or {@code [::1]:8179}. */
final class ListenAddress {
    private ListenAddress() {
    }

    static InetSocketAddress parse(String text, String setting) {
        HostName host = new HostName(text == null ? "" : text.trim());
        try {
            host.validate();
        } catch (HostNameException e) {
            throw new IllegalArgumentException(setting + " '" + text + "' is not host:port: " + e.getMessage(), e);
        }
        if (host.getPort() == null || !host.isAddress()) {
            throw new IllegalArgumentException(setting + " '" + text
                    + "' must be an IP address and a port, for example 127.0.0.1:8179 or [::1]:8179");
        }
        return new InetSocketAddress(host.asInetAddress(), host.getPort());
    }
}
