package dev.herald.bgp.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class Md5RangeKeyTest {
    @Test
    void theRangeKeyIsLinuxStructTcpMd5sigForTheWholeFamily() throws Exception {
        ByteBuffer v4OnV6 = Md5RangeKey.of(true, InetAddress.getByName("127.0.0.1"), "abc".getBytes());
        assertThat(v4OnV6.remaining()).isEqualTo(216);
        assertThat(v4OnV6.getShort(0)).isEqualTo((short) 10);
        assertThat(v4OnV6.get(18)).isEqualTo((byte) 0xFF); // ::ffff:0.0.0.0
        assertThat(v4OnV6.get(128)).isEqualTo((byte) 1); // prefix flag
        assertThat(v4OnV6.get(129)).isZero();
        assertThat(v4OnV6.getShort(130)).isEqualTo((short) 3);
        assertThat(v4OnV6.get(136)).isEqualTo((byte) 'a');
        ByteBuffer v6 = Md5RangeKey.of(true, InetAddress.getByName("::1"), "abc".getBytes());
        assertThat(v6.get(18)).isZero();
        assertThat(Md5RangeKey.of(false, InetAddress.getByName("127.0.0.1"), new byte[1]).getShort(0))
                .isEqualTo((short) 2);
        assertThatThrownBy(() -> Md5RangeKey.of(true, InetAddress.getByName("::1"), new byte[81]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
