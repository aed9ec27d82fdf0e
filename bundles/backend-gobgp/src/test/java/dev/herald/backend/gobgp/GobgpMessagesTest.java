package dev.herald.backend.gobgp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Addresses;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.SessionState;
import dev.herald.backend.gobgp.apipb.IPAddressPrefix;
import dev.herald.backend.gobgp.apipb.MpReachNLRIAttribute;
import dev.herald.backend.gobgp.apipb.NextHopAttribute;
import dev.herald.backend.gobgp.apipb.OriginAttribute;
import dev.herald.backend.gobgp.apipb.Path;
import dev.herald.backend.gobgp.apipb.PeerState;
import org.junit.jupiter.api.Test;

class GobgpMessagesTest {
    @Test
    void anIpv4PathHasOriginIgpNextHopSelfAndItsPrefix() throws Exception {
        Path p = GobgpMessages.path(Addresses.prefix("10.244.1.0/24", "p"), false);
        IPAddressPrefix nlri = p.getNlri().unpack(IPAddressPrefix.class);
        assertThat(nlri.getPrefix()).isEqualTo("10.244.1.0");
        assertThat(nlri.getPrefixLen()).isEqualTo(24);
        assertThat(p.getPattrs(0).unpack(OriginAttribute.class).getOrigin()).isZero();
        assertThat(p.getPattrs(1).unpack(NextHopAttribute.class).getNextHop()).isEqualTo("0.0.0.0");
        assertThat(p.getIsWithdraw()).isFalse();
        assertThat(GobgpMessages.prefixOf(p)).contains(Addresses.prefix("10.244.1.0/24", "p"));
    }

    @Test
    void anIpv6PathCarriesItsNextHopAndPrefixInMpReach() throws Exception {
        Path p = GobgpMessages.path(Addresses.prefix("fd00:10:96::10", "p"), true);
        MpReachNLRIAttribute mp = p.getPattrs(1).unpack(MpReachNLRIAttribute.class);
        assertThat(mp.getNextHopsList()).containsExactly("::");
        assertThat(mp.getFamily()).isEqualTo(GobgpMessages.IPV6_UNICAST);
        IPAddressPrefix nlri = mp.getNlris(0).unpack(IPAddressPrefix.class);
        assertThat(nlri.getPrefix()).isEqualTo("fd00:10:96::10");
        assertThat(nlri.getPrefixLen()).isEqualTo(128);
        assertThat(p.getIsWithdraw()).isTrue();
    }

    @Test
    void withoutGracefulRestartNoCapabilityIsAsked() {
        GlobalConfig noGr = new GlobalConfig(65001, Addresses.ipv4("10.0.0.1", "id"), 179,
                java.util.Optional.empty(), java.util.Optional.empty(), false);
        var p = GobgpMessages.peer(PeerConfig.of("192.0.2.1", 65000), noGr);
        assertThat(p.hasGracefulRestart()).isFalse();
        assertThat(p.getAfiSafis(0).hasMpGracefulRestart()).isFalse();
        assertThat(p.getTimers().getConfig().getConnectRetry()).isEqualTo(5);
    }

    @Test
    void sessionStatesMapOneToOneAndUnknownIsIdle() {
        assertThat(GobgpMessages.sessionState(PeerState.SessionState.ESTABLISHED)).isEqualTo(SessionState.ESTABLISHED);
        assertThat(GobgpMessages.sessionState(PeerState.SessionState.OPENCONFIRM))
                .isEqualTo(SessionState.OPEN_CONFIRM);
        assertThat(GobgpMessages.sessionState(PeerState.SessionState.ACTIVE)).isEqualTo(SessionState.ACTIVE);
        assertThat(GobgpMessages.sessionState(PeerState.SessionState.UNKNOWN)).isEqualTo(SessionState.IDLE);
        assertThat(GobgpMessages.sessionState(PeerState.SessionState.UNRECOGNIZED)).isEqualTo(SessionState.IDLE);
    }

    @Test
    void theEndOfRibMarkerGobgpdCountsAsAdvertisedIsNotAPrefixSent() {
        PeerConfig config = PeerConfig.of("192.0.2.1", 65000);
        com.google.protobuf.Any grCap = com.google.protobuf.Any.newBuilder()
                .setTypeUrl("type.googleapis.com/apipb.GracefulRestartCapability").build();
        com.google.protobuf.Any asCap = com.google.protobuf.Any.newBuilder()
                .setTypeUrl("type.googleapis.com/apipb.FourOctetASNCapability").build();
        // gobgpd 3.10 reports 3 routes plus the End-of-RIB marker as 4 advertised
        assertThat(GobgpMessages.status(config, reported(true, 4, grCap, asCap)).prefixesSent()).isEqualTo(3);
        assertThat(GobgpMessages.status(config, reported(true, 1, grCap)).prefixesSent()).isZero();
        // no marker without graceful restart on both sides
        assertThat(GobgpMessages.status(config, reported(true, 4, asCap)).prefixesSent()).isEqualTo(4);
        assertThat(GobgpMessages.status(config, reported(false, 4, grCap)).prefixesSent()).isEqualTo(4);
    }

    private static dev.herald.backend.gobgp.apipb.Peer reported(boolean gracefulRestart, long advertised,
                                                               com.google.protobuf.Any... remoteCaps) {
        return dev.herald.backend.gobgp.apipb.Peer.newBuilder()
                .setState(PeerState.newBuilder().setSessionState(PeerState.SessionState.ESTABLISHED)
                        .addAllRemoteCap(java.util.List.of(remoteCaps)))
                .setGracefulRestart(dev.herald.backend.gobgp.apipb.GracefulRestart.newBuilder()
                        .setEnabled(gracefulRestart))
                .addAfiSafis(dev.herald.backend.gobgp.apipb.AfiSafi.newBuilder()
                        .setState(dev.herald.backend.gobgp.apipb.AfiSafiState.newBuilder()
                                .setFamily(GobgpMessages.IPV4_UNICAST).setAdvertised(advertised)))
                .build();
    }

    @Test
    void addressesAreCanonicalAsGobgpKeysThem() {
        assertThat(GobgpMessages.canonical(Addresses.address("2001:0db8:0:0::1", "a"))).isEqualTo("2001:db8::1");
        assertThat(GobgpMessages.parsePrefix("10.96.0.10/32")).contains(Addresses.prefix("10.96.0.10", "p"));
        assertThat(GobgpMessages.parsePrefix("fd00::/64")).contains(Addresses.prefix("fd00::/64", "p"));
        assertThat(GobgpMessages.parsePrefix("nonsense")).isEmpty();
    }
}
