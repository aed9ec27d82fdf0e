package dev.herald.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void apiAddressesParseLikeTheStatusAddress() {
        assertThat(HostPort.parse("[::1]:50051")).map(InetSocketAddress::getHostString).contains("::1");
        assertThat(HostPort.parse("localhost:50051")).isPresent();
        assertThat(HostPort.parse("::1:50051")).isEmpty();
        assertThat(HostPort.parse("127.0.0.1")).isEmpty();
        assertThat(HostPort.parse("127.0.0.1:0")).isEmpty();
        assertThat(HostPort.parse("127.0.0.1:x")).isEmpty();
    }

    @Test
    void aNameIsLeftUnresolved() {
        InetSocketAddress a = HostPort.parse("gobgpd.example:50051").orElseThrow();
        assertThat(a.isUnresolved()).isTrue();
        assertThat(HostPort.format(a)).isEqualTo("gobgpd.example:50051");
    }
}
