package dev.herald.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ListenAddressTest {
    @Test
    void parsesIPv4AndBracketedIPv6() {
        InetSocketAddress v4 = ListenAddress.parse("127.0.0.1:8179", "status.address");
        assertThat(v4.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(v4.getPort()).isEqualTo(8179);
        InetSocketAddress v6 = ListenAddress.parse("[::1]:9000", "status.address");
        assertThat(v6.getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(v6.getPort()).isEqualTo(9000);
    }

    @Test
    void refusesAnAddressWithoutPortOrAHostName() {
        assertThatThrownBy(() -> ListenAddress.parse("127.0.0.1", "status.address"))
                .hasMessageContaining("must be an IP address and a port");
        assertThatThrownBy(() -> ListenAddress.parse("localhost:80", "status.address"))
                .hasMessageContaining("must be an IP address and a port");
        assertThatThrownBy(() -> ListenAddress.parse("127.0.0.1:99999", "status.address"))
                .hasMessageContaining("status.address '127.0.0.1:99999'");
        assertThatThrownBy(() -> ListenAddress.parse("::1:8179", "status.address"))
                .hasMessageContaining("must be an IP address and a port");
        assertThatThrownBy(() -> ListenAddress.parse("[10.0.0.1]:8179", "status.address"))
                .hasMessageContaining("must be an IP address and a port");
        assertThatThrownBy(() -> ListenAddress.parse("10.0.0.0/8:8179", "status.address"))
                .hasMessageContaining("must be an IP address and a port");
    }

    @Test
    void aPortAloneMeansEveryAddress() {
        InetSocketAddress any = ListenAddress.parse(":9179", "metrics.address");
        assertThat(any.getAddress().isAnyLocalAddress()).isTrue();
        assertThat(any.getPort()).isEqualTo(9179);
        assertThatThrownBy(() -> ListenAddress.parse(":91790", "metrics.address"))
                .hasMessageContaining("metrics.address ':91790'").hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> ListenAddress.parse(":x", "metrics.address"))
                .hasMessageContaining("metrics.address ':x'");
        assertThat(ListenAddress.parse("127.0.0.1:0", "metrics.address").getPort()).isZero();
    }
}
