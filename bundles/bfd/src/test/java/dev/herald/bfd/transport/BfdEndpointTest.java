package dev.herald.bfd.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.packet.Diagnostic;
import dev.herald.bfd.session.BfdParameters;
import dev.herald.bfd.session.StateChange;
import io.netty.channel.unix.Errors;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Two Herald endpoints on loopback, with real sockets: 127.0.0.2 and 127.0.0.3 on port 3784, or ::1 on two ports. */
class BfdEndpointTest extends TwoEndpoints {
    /** a on 127.0.0.2, b on 127.0.0.3, both on the RFC ports. */
    void openIpv4() throws Exception {
        a = BfdSessions.open(BfdEndpointConfig.defaults().withListenAddresses(ip("127.0.0.2")));
        b = BfdSessions.open(BfdEndpointConfig.defaults().withListenAddresses(ip("127.0.0.3")));
    }

    @Test
    void twoEndpointsComeUpOverIpv4AndTheCloseOfOneTakesTheOtherDown() throws Exception {
        openIpv4();
        assertThat(a.transportName()).isEqualTo("epoll");
        RecordingListener la = new RecordingListener();
        RecordingListener lb = new RecordingListener();
        BfdSession sa = a.add(ip("127.0.0.3"), Optional.of(ip("127.0.0.2")), FAST, la);
        BfdSession sb = b.add(ip("127.0.0.2"), Optional.of(ip("127.0.0.3")), FAST, lb);
        Await.until(HANDSHAKE, () -> sa.state() == BfdState.UP && sb.state() == BfdState.UP,
                () -> sa + " / " + sb);
        assertThat(sa.sourcePort()).isBetween(49152, 65535);
        assertThat(la.events).allMatch(e -> e.thread().startsWith("herald-bfd"));
        // stays Up at 50 ms intervals for a while (no false detection)
        Thread.sleep(1_000);
        assertThat(sa.state()).isEqualTo(BfdState.UP);
        assertThat(la.events).hasSize(la.events.get(0).change().to() == BfdState.INIT ? 2 : 1);
        sb.close();
        // the listener hears of the change just after the state is set: wait for what it heard
        Await.until(Duration.ofSeconds(2), () -> sa.state() == BfdState.DOWN
                && la.lastEvent().change().to() == BfdState.DOWN, sa::toString);
        // the peer's AdminDown, flagged so that BGP does not take it for a failure (RFC 5882 §3.2)
        assertThat(la.lastEvent().change()).isEqualTo(new StateChange(BfdState.UP, BfdState.DOWN,
                Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN, true));
        assertThat(lb.lastEvent().change().to()).isEqualTo(BfdState.ADMIN_DOWN);
        assertThat(b.sessions()).isEmpty();
    }

    @Test
    void manySessionsFromOneAddressEachGetASourcePortOfTheirOwn() throws Exception {
        // 300 random ports of 16,384 almost surely collide (birthday bound): a taken port must mean another try
        a = BfdSessions.open(BfdEndpointConfig.defaults().withListenAddresses(ip("127.0.0.2")).withPorts(23784, 0));
        for (int i = 0; i < 300; i++) {
            a.add(ip("127.0." + (3 + i / 250) + "." + (1 + i % 250)), Optional.of(ip("127.0.0.2")), FAST,
                    new RecordingListener());
        }
        assertThat(a.sessions()).hasSize(300).extracting(BfdSession::sourcePort).doesNotHaveDuplicates()
                .allMatch(port -> port >= 49152 && port <= 65535);
    }

    @Test
    void aTakenPortIsRecognisedFromEitherTransport() {
        assertThat(BfdSessions.addressInUse(new java.net.BindException("taken"))).isTrue();
        assertThat(BfdSessions.addressInUse(new Errors.NativeIoException("bind(..)", -98))).isTrue();
        assertThat(BfdSessions.addressInUse(new Errors.NativeIoException("bind(..)", -13))).isFalse();
    }

    @Test
    void twoEndpointsComeUpOverIpv6() throws Exception {
        a = BfdSessions.open(BfdEndpointConfig.defaults().withListenAddresses(ip("::1")).withPorts(43784, 44784)
                .withPeerPorts(53784, 54784));
        b = BfdSessions.open(BfdEndpointConfig.defaults().withListenAddresses(ip("::1")).withPorts(53784, 54784)
                .withPeerPorts(43784, 44784));
        BfdSession sa = a.add(ip("::1"), Optional.of(ip("::1")), FAST, new RecordingListener());
        BfdSession sb = b.add(ip("::1"), Optional.of(ip("::1")), FAST, new RecordingListener());
        Await.until(HANDSHAKE, () -> sa.state() == BfdState.UP && sb.state() == BfdState.UP,
                () -> sa + " / " + sb);
        Thread.sleep(500);
        assertThat(sa.state()).isEqualTo(BfdState.UP);
        assertThat(sb.state()).isEqualTo(BfdState.UP);
    }

    @Test
    void multihopSessionsComeUpOnPort4784() throws Exception {
        openIpv4();
        BfdParameters mh = BfdParameters.multihop(Duration.ofMillis(100), Duration.ofMillis(100), 3);
        BfdSession sa = a.add(ip("127.0.0.3"), Optional.of(ip("127.0.0.2")), mh, new RecordingListener());
        BfdSession sb = b.add(ip("127.0.0.2"), Optional.of(ip("127.0.0.3")), mh, new RecordingListener());
        Await.until(HANDSHAKE, () -> sa.state() == BfdState.UP && sb.state() == BfdState.UP,
                () -> sa + " / " + sb);
        // a single-hop session beside it, same peer: its own session
        BfdSession single = a.add(ip("127.0.0.3"), Optional.of(ip("127.0.0.2")), FAST, new RecordingListener());
        assertThat(single.localDiscriminator()).isNotEqualTo(sa.localDiscriminator());
        assertThat(a.sessions()).hasSize(2);
    }

    @Test
    void aFrozenPeerIsDetectedWithinTheDetectionTime() throws Exception {
        openIpv4();
        RecordingListener la = new RecordingListener();
        BfdSession sa = a.add(ip("127.0.0.3"), Optional.of(ip("127.0.0.2")), FAST, la);
        BfdSession sb = b.add(ip("127.0.0.2"), Optional.of(ip("127.0.0.3")), FAST, new RecordingListener());
        Await.until(HANDSHAKE, () -> sa.state() == BfdState.UP && sb.state() == BfdState.UP,
                () -> sa + " / " + sb);
        Thread.sleep(300); // the Poll that brings both to 50 ms is over
        long frozen = System.nanoTime();
        b.eventLoop().execute(() -> sleep(1_000)); // b's thread stops: nothing sent
        Await.until(Duration.ofSeconds(2), () -> sa.state() == BfdState.DOWN
                && la.lastEvent().change().to() == BfdState.DOWN, sa::toString);
        long tookMs = (la.lastEvent().nanos() - frozen) / 1_000_000;
        assertThat(la.lastEvent().change().diagnostic()).isEqualTo(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        // 3 x 50 ms from b's last packet, which went at most one interval before the freeze
        assertThat(tookMs).isLessThanOrEqualTo(150 + 50);
        // b wakes up, sees a's Down, and both come back
        Await.until(HANDSHAKE, () -> sa.state() == BfdState.UP && sb.state() == BfdState.UP,
                () -> sa + " / " + sb);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void updateRunsAPollAndChangesTheRate() throws Exception {
        openIpv4();
        BfdSession sa = a.add(ip("127.0.0.3"), Optional.of(ip("127.0.0.2")), FAST, new RecordingListener());
        BfdSession sb = b.add(ip("127.0.0.2"), Optional.of(ip("127.0.0.3")), FAST, new RecordingListener());
        Await.until(HANDSHAKE, () -> sa.state() == BfdState.UP && sb.state() == BfdState.UP,
                () -> sa + " / " + sb);
        sa.update(FAST.withTimers(Duration.ofMillis(200), Duration.ofMillis(200), 5));
        Thread.sleep(1_500);
        assertThat(sa.parameters().detectMultiplier()).isEqualTo(5);
        assertThat(sa.state()).isEqualTo(BfdState.UP);
        assertThat(sb.state()).isEqualTo(BfdState.UP);
        assertThatThrownBy(() -> sa.update(BfdParameters.multihop(Duration.ofMillis(200), Duration.ofMillis(200), 5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSecondSessionForTheSamePeerIsRefused() throws Exception {
        openIpv4();
        a.add(ip("127.0.0.3"), Optional.of(ip("127.0.0.2")), FAST, new RecordingListener());
        assertThatThrownBy(() -> a.add(ip("127.0.0.3"), Optional.of(ip("127.0.0.2")), FAST, new RecordingListener()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.add(ip("127.0.0.3"), Optional.of(ip("::1")), FAST, new RecordingListener()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nioCannotHaveTheTtlCheck() {
        assertThatThrownBy(() -> BfdSessions.open(BfdEndpointConfig.defaults()
                .withTransport(BfdEndpointConfig.TransportKind.NIO)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("epoll");
    }

    @Test
    void nioEndpointsWithoutTtlCheckWorkToo() throws Exception {
        // both on 127.0.0.1, on two ports; no local address given (the kernel sends from 127.0.0.1)
        BfdEndpointConfig nio = BfdEndpointConfig.defaults().withTransport(BfdEndpointConfig.TransportKind.NIO)
                .withTtlSecurity(false).withListenAddresses(ip("127.0.0.1"));
        a = BfdSessions.open(nio.withPorts(43785, 0).withPeerPorts(43786, 4784));
        b = BfdSessions.open(nio.withPorts(43786, 0).withPeerPorts(43785, 4784));
        assertThat(a.transportName()).isEqualTo("nio");
        BfdSession sa = a.add(ip("127.0.0.1"), Optional.empty(), FAST, new RecordingListener());
        BfdSession sb = b.add(ip("127.0.0.1"), Optional.empty(), FAST, new RecordingListener());
        Await.until(HANDSHAKE, () -> sa.state() == BfdState.UP && sb.state() == BfdState.UP,
                () -> sa + " / " + sb);
    }

    @Test
    void theDefaultWildcardSocketTakesIpv4AndIpv6() throws Exception {
        // a: the wildcard address (one dual-stack [::] socket); b: 127.0.0.3 and ::1; other ports than 3784
        a = BfdSessions.open(BfdEndpointConfig.defaults().withPorts(23784, 0).withPeerPorts(33784, 4784));
        b = BfdSessions.open(BfdEndpointConfig.defaults().withListenAddresses(ip("127.0.0.3"), ip("::1"))
                .withPorts(33784, 0).withPeerPorts(23784, 4784));
        assertThat(a.listenAddresses()).hasSize(1);
        assertThat(a.listenAddresses().get(0).getAddress().isAnyLocalAddress()).isTrue();
        BfdSession a4 = a.add(ip("127.0.0.3"), Optional.of(ip("127.0.0.2")), FAST, new RecordingListener());
        BfdSession a6 = a.add(ip("::1"), Optional.of(ip("::1")), FAST, new RecordingListener());
        BfdSession b4 = b.add(ip("127.0.0.2"), Optional.of(ip("127.0.0.3")), FAST, new RecordingListener());
        BfdSession b6 = b.add(ip("::1"), Optional.of(ip("::1")), FAST, new RecordingListener());
        Await.until(HANDSHAKE, () -> a4.state() == BfdState.UP && a6.state() == BfdState.UP
                && b4.state() == BfdState.UP && b6.state() == BfdState.UP, () -> a.sessions() + " / " + b.sessions());
    }
}
