package dev.herald.bgp.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bgp.message.PathAttribute.Segment;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a receiver reads out of an UPDATE: the AS path with AS4_PATH merged, next hops as addresses. */
class UpdateReadingTest {
    @Test
    void theAsPathMergesAs4PathFromATwoOctetSession() {
        UpdateMessage u = new UpdateMessage(List.of(), List.of(
                new PathAttribute.AsPath(List.of(Segment.sequence(65010L, 23456L, 23456L))),
                new PathAttribute.As4Path(List.of(Segment.sequence(4_200_000_001L, 4_200_000_002L)))), List.of());
        assertThat(u.asPathNumbers()).containsExactly(65010L, 4_200_000_001L, 4_200_000_002L);
        // an AS4_PATH longer than AS_PATH is ignored (RFC 6793 §4.2.3)
        UpdateMessage odd = new UpdateMessage(List.of(), List.of(
                new PathAttribute.AsPath(List.of(Segment.sequence(65010L))),
                new PathAttribute.As4Path(List.of(Segment.sequence(1L, 2L)))), List.of());
        assertThat(odd.asPathNumbers()).containsExactly(65010L);
        assertThat(new UpdateMessage(List.of(), List.of(), List.of()).asPathNumbers()).isEmpty();
    }

    @Test
    void anIpv6NextHopWithALinkLocalGivesTheGlobalOne() throws Exception {
        byte[] both = new byte[32];
        System.arraycopy(InetAddress.getByName("fd00::1").getAddress(), 0, both, 0, 16);
        System.arraycopy(InetAddress.getByName("fe80::1").getAddress(), 0, both, 16, 16);
        assertThat(new PathAttribute.MpReach(2, 1, both, List.of()).nextHopAddress())
                .contains(InetAddress.getByName("fd00::1"));
        assertThat(new PathAttribute.NextHop(0x7F00_0001L).inetAddress())
                .isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(new PathAttribute.MpReach(2, 1, new byte[5], List.of()).nextHopAddress()).isEmpty();
    }
}
