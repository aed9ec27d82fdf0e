package dev.herald.simulator.peer;

import inet.ipaddr.IPAddressString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Addresses as operators write them: {@code ::1}, not Java's {@code 0:0:0:0:0:0:0:1} (RFC 5952). */
public final class AddressText {
    private AddressText() {
    }

    public static String of(InetAddress a) {
        if (a == null) {
            return "-";
        }
        var parsed = new IPAddressString(a.getHostAddress()).getAddress();
        return parsed == null ? a.getHostAddress() : parsed.toCanonicalString();
    }

    /** {@code 127.0.0.1:179} or {@code [::1]:179}. */
    public static String of(SocketAddress a) {
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            String host = of(i.getAddress());
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + i.getPort();
        }
        return String.valueOf(a);
    }
}
