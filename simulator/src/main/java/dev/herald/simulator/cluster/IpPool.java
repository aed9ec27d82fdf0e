package dev.herald.simulator.cluster;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * Hands out single addresses of one CIDR, as the API server's ClusterIP allocator or a load-balancer controller
 * would: never the network address, never one that is taken, and released ones come back.
 */
final class IpPool {
    private final IPAddress block;
    private final Set<String> taken = new HashSet<>();
    private Iterator<? extends IPAddress> next;

    IpPool(String cidr) {
        block = new IPAddressString(cidr).getAddress().toPrefixBlock();
        restart();
    }

    private void restart() {
        next = block.withoutPrefixLength().iterator();
        next.next(); // the network address
    }

    boolean isIpv6() {
        return block.isIPv6();
    }

    String cidr() {
        return block.toCanonicalString();
    }

    synchronized String allocate() {
        for (int wrapped = 0; wrapped < 2; wrapped++) {
            while (next.hasNext()) {
                String a = next.next().toCanonicalString();
                if (taken.add(a)) {
                    return a;
                }
            }
            restart();
        }
        throw new IllegalStateException("the pool " + cidr() + " is exhausted");
    }

    /** Marks an address given by a user as taken, so the pool never hands it out too. */
    synchronized void reserve(String address) {
        if (contains(address)) {
            taken.add(new IPAddressString(address).getAddress().toCanonicalString());
        }
    }

    synchronized void release(String address) {
        IPAddress a = new IPAddressString(address).getAddress();
        if (a != null) { // a user's text that is no address (hostile-input scenarios) was never taken
            taken.remove(a.toCanonicalString());
        }
    }

    boolean contains(String address) {
        IPAddress a = new IPAddressString(address).getAddress();
        return a != null && block.contains(a);
    }
}
