package dev.herald.simulator.scenario;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.Comparator;

/** Orders prefixes as the status CLI does: IPv4 first, then by address and length. */
final class Comparators {
    static final Comparator<String> PREFIX = Comparator.comparing((String p) -> p.contains(":"))
            .thenComparing(p -> {
                IPAddress a = new IPAddressString(p).getAddress();
                return a == null ? new IPAddressString("0.0.0.0").getAddress() : a;
            }, (a, b) -> a.compareTo(b));

    private Comparators() {
    }
}
