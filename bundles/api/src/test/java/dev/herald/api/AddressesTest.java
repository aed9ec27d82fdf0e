package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AddressesTest {
    @Test
    void anAddressWithoutLengthIsAHostRoute() {
        assertThat(Addresses.prefix("10.0.0.1", "p").toCanonicalString()).isEqualTo("10.0.0.1/32");
        assertThat(Addresses.prefix("2001:db8::1", "p").toCanonicalString()).isEqualTo("2001:db8::1/128");
    }

    @Test
    void aCidrKeepsItsLength() {
        assertThat(Addresses.prefix("10.244.1.0/24", "p").getNetworkPrefixLength()).isEqualTo(24);
        assertThat(Addresses.prefix("fd00:10:244:1::/64", "p").getNetworkPrefixLength()).isEqualTo(64);
    }

    @Test
    void hostBitsAreRefusedWithAHint() {
        assertThatThrownBy(() -> Addresses.prefix("10.0.0.1/24", "podCIDR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("podCIDR")
                .hasMessageContaining("10.0.0.0/24");
    }

    @Test
    void garbageIsRefusedNamingTheField() {
        assertThatThrownBy(() -> Addresses.address("10.0.0.300", "peer address"))
                .hasMessageStartingWith("peer address '10.0.0.300' is not an IP address");
        assertThatThrownBy(() -> Addresses.address("", "peer address")).hasMessage("peer address is empty");
        assertThatThrownBy(() -> Addresses.address("10.0.0.0/8", "peer address"))
                .hasMessageContaining("single IP address");
        // ranges the library reads but cannot represent threw its own exceptions (BgpPolicyParserFuzzTest)
        assertThatThrownBy(() -> Addresses.address("192-1601", "peer address"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("peer address '192-1601' is not an IP address");
        assertThatThrownBy(() -> Addresses.address("992-.1601651", "peer address"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("peer address '992-.1601651' is not an IP address");
        // and a prefix length alone parsed to no address, a NullPointerException later
        assertThatThrownBy(() -> Addresses.address("/2", "peer address"))
                .hasMessage("peer address '/2' is not an IP address");
        assertThatThrownBy(() -> Addresses.prefix("/2", "podCIDR")).hasMessage("podCIDR '/2' is not an IP address");
    }

    @Test
    void routerIdMustBeIPv4() {
        assertThat(Addresses.ipv4("10.1.2.3", "router ID").toString()).isEqualTo("10.1.2.3");
        assertThatThrownBy(() -> Addresses.ipv4("::1", "router ID")).hasMessageContaining("must be an IPv4");
    }

    @Test
    void ipv4IsReadAsKubernetesReadsIt() {
        // leading zeros are decimal, as the API server's validation and kube-proxy read them; inet_aton read 010 as
        // octal 8, so the route went to another address than the Service's
        assertThat(Addresses.address("010.001.002.003", "externalIP").toString()).isEqualTo("10.1.2.3");
        assertThat(Addresses.address("0010.1.2.3", "externalIP").toString()).isEqualTo("10.1.2.3");
        assertThat(Addresses.prefix("010.244.001.000/24", "podCIDR").toCanonicalString()).isEqualTo("10.244.1.0/24");
        assertThat(Addresses.address("::ffff:010.1.2.3", "externalIP").toString()).isEqualTo("::ffff:a01:203");
        // and inet_aton's other forms, which Kubernetes refuses, are not addresses here either
        for (String inetAton : new String[] {"0x0a.1.2.3", "10.1.2", "167772161", "0b1.2.3.4"}) {
            assertThatThrownBy(() -> Addresses.address(inetAton, "externalIP")).as(inetAton)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("externalIP '" + inetAton + "' is not an IP address");
        }
    }
}
