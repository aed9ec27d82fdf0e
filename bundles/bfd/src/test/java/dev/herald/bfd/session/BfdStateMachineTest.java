package dev.herald.bfd.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bfd.packet.BfdControlPacket;
import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.packet.Diagnostic;
import dev.herald.bfd.packet.DiscardReason;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BfdStateMachineTest {
    private static final BfdParameters FAST = BfdParameters.singleHop(Duration.ofMillis(100), Duration.ofMillis(100),
            3);
    private final FakeScheduler clock = new FakeScheduler();

    /** Connects a and b and runs their clock (the test's, or a grid clock) until both are Up. */
    private Peer upPair(Peer a, Peer b) {
        Peer.connect(a, b);
        a.machine.start();
        b.machine.start();
        a.clock.advanceMillis(3_000);
        assertThat(a.machine.state()).isEqualTo(BfdState.UP);
        assertThat(b.machine.state()).isEqualTo(BfdState.UP);
        return a;
    }

    @Test
    void threeWayHandshakeGoesDownInitUp() {
        Peer a = new Peer(1, FAST, clock, 1);
        Peer b = new Peer(2, FAST, clock, 2);
        Peer.connect(a, b);
        b.cut = true;
        b.machine.start(); // b's first Down is lost
        b.cut = false;
        a.machine.start(); // a's Down reaches b: b goes Init, its Init brings a Up, a's Up brings b Up
        assertThat(b.changes).containsExactly(new StateChange(BfdState.DOWN, BfdState.INIT, Diagnostic.NONE),
                new StateChange(BfdState.INIT, BfdState.UP, Diagnostic.NONE));
        assertThat(a.changes).containsExactly(new StateChange(BfdState.DOWN, BfdState.UP, Diagnostic.NONE));
        assertThat(a.machine.remoteDiscriminator()).isEqualTo(2);
        assertThat(b.machine.remoteDiscriminator()).isEqualTo(1);
    }

    @Test
    void handshakeFromDownToInitToUpAsTheTableSays() {
        Peer a = new Peer(7, FAST, clock, 1);
        a.machine.start();
        BfdControlPacket first = a.last();
        assertThat(first.state()).isEqualTo(BfdState.DOWN);
        assertThat(first.yourDiscriminator()).isZero();
        assertThat(first.desiredMinTxMicros()).as("§6.8.3: 1 s while not Up").isEqualTo(1_000_000);
        a.machine.receive(BfdControlPacket.of(Diagnostic.NONE, BfdState.DOWN, false, false, 3, 99, 0, 1_000_000,
                100_000));
        assertThat(a.machine.state()).isEqualTo(BfdState.INIT);
        assertThat(a.last().state()).isEqualTo(BfdState.INIT);
        assertThat(a.last().yourDiscriminator()).isEqualTo(99);
        a.machine.receive(BfdControlPacket.of(Diagnostic.NONE, BfdState.UP, false, false, 3, 99, 7, 1_000_000,
                100_000));
        assertThat(a.machine.state()).isEqualTo(BfdState.UP);
        assertThat(a.changes).extracting(StateChange::to).containsExactly(BfdState.INIT, BfdState.UP);
    }

    @Test
    void afterUpAPollBringsTheTimersDownToTheConfiguredIntervals() {
        Peer a = new Peer(1, FAST, clock, 1);
        Peer b = new Peer(2, FAST, clock, 2);
        upPair(a, b);
        assertThat(a.machine.polling()).isFalse();
        assertThat(a.sent).anyMatch(BfdControlPacket::poll);
        assertThat(b.sent).anyMatch(BfdControlPacket::fin);
        assertThat(a.machine.transmitIntervalNanos()).isEqualTo(100_000_000);
        assertThat(a.machine.detectionTimeNanos()).isEqualTo(300_000_000);
        // and the packets come every 75-100 ms
        int from = a.sent.size();
        clock.advanceMillis(2_000);
        List<Long> times = a.sentAt.subList(from, a.sentAt.size());
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 1)).isBetween(75_000_000L, 100_000_000L);
        }
        assertThat(times.size()).isBetween(20, 27);
    }

    @Test
    void transmitIntervalIsTheLargerOfOurTxAndTheirRx() {
        Peer a = new Peer(1, FAST, clock, 1);
        Peer b = new Peer(2, BfdParameters.singleHop(Duration.ofMillis(100), Duration.ofMillis(400), 5), clock, 2);
        upPair(a, b);
        assertThat(a.machine.transmitIntervalNanos()).isEqualTo(400_000_000);
        // a's detection: b's multiplier 5 x max(a's RX 100, b's TX 100)
        assertThat(a.machine.detectionTimeNanos()).isEqualTo(500_000_000);
        // b's detection: a's multiplier 3 x max(b's RX 400, a's TX 100)
        assertThat(b.machine.detectionTimeNanos()).isEqualTo(1_200_000_000);
    }

    @Test
    void detectionTimeoutTakesTheSessionDownWithDiagnostic1() {
        Peer a = new Peer(1, FAST, clock, 1);
        Peer b = new Peer(2, FAST, clock, 2);
        upPair(a, b);
        int sent = b.sent.size();
        for (int i = 0; i < 200 && b.sent.size() == sent; i++) {
            clock.advanceMillis(1); // until b has just sent a packet
        }
        b.cut = true; // b's packets are lost from now: a's detection time (3 x 100 ms) runs from b's last one
        clock.advanceMillis(299);
        assertThat(a.machine.state()).isEqualTo(BfdState.UP);
        clock.advanceMillis(2);
        assertThat(a.machine.state()).isEqualTo(BfdState.DOWN);
        assertThat(a.machine.localDiagnostic()).isEqualTo(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        assertThat(a.changes.get(a.changes.size() - 1)).isEqualTo(
                new StateChange(BfdState.UP, BfdState.DOWN, Diagnostic.CONTROL_DETECTION_TIME_EXPIRED));
        assertThat(a.machine.remoteDiscriminator()).as("§6.8.1: forgotten after a detection time").isZero();
        assertThat(a.last().diagnostic()).isEqualTo(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        assertThat(a.last().desiredMinTxMicros()).isEqualTo(1_000_000);
    }

    @Test
    void withDetectMultiplierOneJitterIs75To90Percent() {
        BfdParameters one = BfdParameters.singleHop(Duration.ofMillis(100), Duration.ofMillis(100), 1);
        Peer a = new Peer(1, one, clock, 3);
        Peer b = new Peer(2, FAST, clock, 4);
        upPair(a, b);
        int from = a.sent.size();
        clock.advanceMillis(3_000);
        List<Long> times = a.sentAt.subList(from, a.sentAt.size());
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 1)).isBetween(75_000_000L, 90_000_000L);
        }
    }

    @Test
    void onAGridPeriodicPacketsFallOnItsPointsAndStayJittered() {
        long grid = 5_000_000;
        FakeScheduler gridClock = new FakeScheduler(grid);
        BfdParameters fifty = BfdParameters.singleHop(Duration.ofMillis(50), Duration.ofMillis(50), 3);
        Peer a = upPair(new Peer(1, fifty, gridClock, 5), new Peer(2, fifty, gridClock, 6));
        int from = a.sent.size();
        gridClock.advanceMillis(5_000);
        List<Long> times = a.sentAt.subList(from, a.sentAt.size());
        assertThat(times).hasSizeGreaterThan(100).allMatch(t -> t % grid == 0);
        List<Long> gaps = new java.util.ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        // 37.5-50 ms holds the points 40 and 45 ms: both are used, nothing outside the window
        assertThat(gaps).allMatch(g -> g >= 37_500_000 && g < 50_000_000).contains(40_000_000L, 45_000_000L);
    }

    @Test
    void onAGridDetectionIsCheckedAtTheFirstPointAfterTheDeadline() {
        long grid = 5_000_000;
        FakeScheduler gridClock = new FakeScheduler(grid);
        Peer a = new Peer(1, FAST, gridClock, 1);
        Peer b = new Peer(2, FAST, gridClock, 2);
        upPair(a, b);
        b.cut = true; // b's packets are lost from now; its last one arrives once more, 2 ms off the grid
        gridClock.advance(grid - gridClock.nanoTime() % grid + 2_000_000);
        a.machine.receive(b.last());
        long deadline = gridClock.nanoTime() + 300_000_000; // 3 x 100 ms
        long check = (deadline + grid - 1) / grid * grid;
        gridClock.advance(check - gridClock.nanoTime() - 1); // past the deadline, before the grid point
        assertThat(a.machine.state()).isEqualTo(BfdState.UP);
        gridClock.advance(1);
        assertThat(a.machine.state()).isEqualTo(BfdState.DOWN);
        assertThat(check - deadline).isLessThan(grid);
    }

    @Test
    void afterAStallPacketsThatWaitedInTheSocketCountBeforeDetectionTimeDoes() {
        Peer a = new Peer(1, FAST, clock, 1);
        Peer b = new Peer(2, FAST, clock, 2);
        upPair(a, b);
        b.cut = true; // what b sends from now waits in a's socket
        clock.stall(400_000_000); // a GC pause longer than the 300 ms detection time
        clock.runOverdue();
        assertThat(a.machine.state()).as("a late check looks again after the input").isEqualTo(BfdState.UP);
        a.machine.receive(b.last()); // the loop reads what b sent during the pause
        clock.runOverdue();
        clock.advanceMillis(50);
        assertThat(a.machine.state()).isEqualTo(BfdState.UP);
        assertThat(a.changes).extracting(StateChange::to).doesNotContain(BfdState.DOWN);
    }

    @Test
    void afterAStallWithNothingReceivedTheSessionGoesDown() {
        Peer a = new Peer(1, FAST, clock, 1);
        Peer b = new Peer(2, FAST, clock, 2);
        upPair(a, b);
        b.cut = true;
        clock.stall(400_000_000);
        clock.runOverdue();
        assertThat(a.machine.state()).isEqualTo(BfdState.UP);
        clock.runOverdue(); // nothing was read: the second look decides
        assertThat(a.machine.state()).isEqualTo(BfdState.DOWN);
        assertThat(a.machine.localDiagnostic()).isEqualTo(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED);
    }

    @Test
    void peerAdminDownTakesUsDownWithDiagnostic3() {
        Peer a = new Peer(1, FAST, clock, 1);
        Peer b = new Peer(2, FAST, clock, 2);
        upPair(a, b);
        b.machine.adminDown();
        assertThat(b.machine.state()).isEqualTo(BfdState.ADMIN_DOWN);
        assertThat(b.machine.localDiagnostic()).isEqualTo(Diagnostic.ADMINISTRATIVELY_DOWN);
        assertThat(a.machine.state()).isEqualTo(BfdState.DOWN);
        // flagged as the peer's AdminDown: a BGP session must not take it for a failure (RFC 5882 §3.2)
        assertThat(a.changes.get(a.changes.size() - 1)).isEqualTo(
                new StateChange(BfdState.UP, BfdState.DOWN, Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN, true));
        // a stays Down (AdminDown from the peer never brings Init), b discards whatever a sends
        clock.advanceMillis(5_000);
        assertThat(a.machine.state()).isEqualTo(BfdState.DOWN);
        assertThat(b.machine.receive(a.last())).isEqualTo(DiscardReason.SESSION_ADMIN_DOWN);
    }

    @Test
    void peerDownWhileUpTakesUsDownWithDiagnostic3() {
        Peer a = new Peer(1, FAST, clock, 1);
        a.machine.start();
        a.machine.receive(BfdControlPacket.of(Diagnostic.NONE, BfdState.INIT, false, false, 3, 9, 1, 100_000,
                100_000));
        assertThat(a.machine.state()).isEqualTo(BfdState.UP);
        a.machine.receive(BfdControlPacket.of(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED, BfdState.DOWN, false, false,
                3, 9, 1, 1_000_000, 100_000));
        assertThat(a.machine.state()).isEqualTo(BfdState.DOWN);
        assertThat(a.machine.localDiagnostic()).isEqualTo(Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
        assertThat(a.changes.get(a.changes.size() - 1).remoteAdminDown()).as("a Down is a failure").isFalse();
    }

    @Test
    void aPollIsAnsweredAtOnceWithFinalAndNeverPollAndFinalTogether() {
        Peer a = new Peer(1, FAST, clock, 1);
        Peer b = new Peer(2, FAST, clock, 2);
        upPair(a, b);
        int before = b.sent.size();
        a.machine.update(FAST.withTimers(Duration.ofMillis(50), Duration.ofMillis(50), 3));
        assertThat(b.sent.size()).as("b answered within the same instant").isGreaterThan(before);
        assertThat(b.sent.subList(before, b.sent.size())).anyMatch(BfdControlPacket::fin);
        assertThat(a.machine.polling()).isFalse();
        assertThat(a.sent).noneMatch(p -> p.poll() && p.fin());
        assertThat(b.sent).noneMatch(p -> p.poll() && p.fin());
    }

    @Test
    void aSlowerTxWaitsForTheFinalAndAFasterRxToo() {
        Peer a = new Peer(1, FAST, clock, 1);
        Peer b = new Peer(2, FAST, clock, 2);
        upPair(a, b);
        b.cut = true; // no Final can come back
        a.machine.update(FAST.withTimers(Duration.ofMillis(200), Duration.ofMillis(50), 3));
        assertThat(a.machine.polling()).isTrue();
        assertThat(a.last().poll()).isTrue();
        assertThat(a.last().desiredMinTxMicros()).as("announced at once").isEqualTo(200_000);
        assertThat(a.machine.transmitIntervalNanos()).as("used only after the Final").isEqualTo(100_000_000);
        assertThat(a.machine.detectionTimeNanos()).as("old RX until the Final").isEqualTo(300_000_000);
        b.cut = false;
        clock.advanceMillis(100); // a's next Poll reaches b, whose Final comes back
        assertThat(a.machine.polling()).isFalse();
        // b's RX is 100 ms, so a sends every max(200, 100); a's detection: 3 x max(50, b's TX 100)
        assertThat(a.machine.transmitIntervalNanos()).isEqualTo(200_000_000);
        assertThat(a.machine.detectionTimeNanos()).isEqualTo(300_000_000);
        assertThat(a.sent.stream().filter(BfdControlPacket::poll).count()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aChangeDuringAPollIsAnnouncedByAnotherPoll() {
        Peer a = new Peer(1, FAST, clock, 1);
        Peer b = new Peer(2, FAST, clock, 2);
        upPair(a, b);
        b.cut = true;
        a.machine.update(FAST.withTimers(Duration.ofMillis(200), Duration.ofMillis(100), 3));
        a.machine.update(FAST.withTimers(Duration.ofMillis(300), Duration.ofMillis(100), 3));
        b.cut = false;
        clock.advanceMillis(1_000);
        assertThat(a.machine.polling()).isFalse();
        assertThat(a.machine.transmitIntervalNanos()).isEqualTo(300_000_000);
        assertThat(b.machine.detectionTimeNanos()).isEqualTo(900_000_000);
    }

    @Test
    void aPeerAskingForNoPacketsGetsNoPeriodicOnes() {
        Peer a = new Peer(1, FAST, clock, 1);
        a.machine.start();
        a.machine.receive(BfdControlPacket.of(Diagnostic.NONE, BfdState.DOWN, false, false, 3, 9, 0, 1_000_000, 0));
        int sent = a.sent.size();
        clock.advanceMillis(2_500);
        assertThat(a.sent.size()).isEqualTo(sent);
        // but a Poll is still answered
        a.machine.receive(BfdControlPacket.of(Diagnostic.NONE, BfdState.DOWN, true, false, 3, 9, 1, 1_000_000, 0));
        assertThat(a.last().fin()).isTrue();
    }

    @Test
    void notUpSendsEverySecondAtLeast() {
        Peer a = new Peer(1, FAST, clock, 1);
        a.machine.start();
        clock.advanceMillis(10_000);
        assertThat(a.sent.size()).isBetween(10, 14);
        assertThat(a.sent).allMatch(p -> p.state() == BfdState.DOWN && p.desiredMinTxMicros() == 1_000_000);
    }

    @Test
    void haltStopsEverything() {
        Peer a = new Peer(1, FAST, clock, 1);
        Peer b = new Peer(2, FAST, clock, 2);
        upPair(a, b);
        a.machine.halt();
        b.cut = true;
        int sent = a.sent.size();
        int changes = a.changes.size();
        clock.advanceMillis(5_000);
        assertThat(a.sent.size()).isEqualTo(sent);
        assertThat(a.changes.size()).isEqualTo(changes);
        assertThat(b.machine.state()).isEqualTo(BfdState.DOWN);
        assertThat(b.machine.localDiagnostic()).isEqualTo(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED);
    }

    @Test
    void theSessionComesBackUpAfterADetectionTimeout() {
        Peer a = new Peer(1, FAST, clock, 1);
        Peer b = new Peer(2, FAST, clock, 2);
        upPair(a, b);
        a.cut = true;
        b.cut = true;
        clock.advanceMillis(1_000);
        assertThat(a.machine.state()).isEqualTo(BfdState.DOWN);
        assertThat(b.machine.state()).isEqualTo(BfdState.DOWN);
        a.cut = false;
        b.cut = false;
        clock.advanceMillis(3_000);
        assertThat(a.machine.state()).isEqualTo(BfdState.UP);
        assertThat(b.machine.state()).isEqualTo(BfdState.UP);
        assertThat(a.machine.localDiagnostic()).isEqualTo(Diagnostic.NONE);
    }

    @Test
    void aShorterDetectionTimeAfterTheSlowStartTakesEffectAtOnce() {
        // while not Up the peer sends every second (detection 3 s); once both run at 100 ms, a loss must be seen
        // after 300 ms, not when the timer armed during the slow start would have fired
        Peer a = new Peer(1, FAST, clock, 1);
        Peer b = new Peer(2, FAST, clock, 2);
        Peer.connect(a, b);
        a.machine.start();
        b.machine.start();
        clock.advanceMillis(50);
        assertThat(a.machine.state()).isEqualTo(BfdState.UP);
        assertThat(a.machine.detectionTimeNanos()).isEqualTo(300_000_000);
        b.cut = true;
        clock.advanceMillis(301);
        assertThat(a.machine.state()).isEqualTo(BfdState.DOWN);
    }

    @Test
    void aPollLoweringThePeersRxMovesTheNextPacketForward() {
        // found against FRR: its Init asks for 1 s (not Up yet), its Poll after Up for 100 ms; our packet timer,
        // set at 1 s when we went Up, must move, or the peer's 300 ms detection time runs out
        Peer a = new Peer(1, FAST, clock, 1);
        a.machine.start();
        a.machine.receive(BfdControlPacket.of(Diagnostic.NONE, BfdState.INIT, false, false, 3, 9, 1, 1_000_000,
                1_000_000));
        assertThat(a.machine.state()).isEqualTo(BfdState.UP);
        a.machine.receive(BfdControlPacket.of(Diagnostic.NONE, BfdState.UP, true, false, 3, 9, 1, 100_000,
                100_000));
        assertThat(a.last().fin()).isTrue();
        int sent = a.sent.size();
        clock.advanceMillis(100);
        assertThat(a.sent.size()).isGreaterThan(sent);
        assertThat(a.machine.transmitIntervalNanos()).isEqualTo(100_000_000);
    }
}
