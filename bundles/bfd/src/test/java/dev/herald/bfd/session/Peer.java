package dev.herald.bfd.session;

import dev.herald.bfd.packet.BfdControlPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A state machine under test with everything it sent and every state change it reported. */
final class Peer {
    final List<BfdControlPacket> sent = new ArrayList<>();
    final List<StateChange> changes = new ArrayList<>();
    final List<Long> sentAt = new ArrayList<>();
    final BfdStateMachine machine;
    final FakeScheduler clock;
    /** Where sent packets go (another Peer, or nowhere). */
    Peer wire;
    /** While true, sent packets are recorded but lost. */
    boolean cut;

    Peer(long discriminator, BfdParameters parameters, FakeScheduler clock, long seed) {
        this.clock = clock;
        this.machine = new BfdStateMachine(discriminator, parameters, clock, this::send, changes::add,
                new SplittableRandom(seed));
    }

    private void send(BfdControlPacket p) {
        sent.add(p);
        sentAt.add(clock.nanoTime());
        if (wire != null && !cut) {
            wire.machine.receive(p);
        }
    }

    static void connect(Peer a, Peer b) {
        a.wire = b;
        b.wire = a;
    }

    BfdControlPacket last() {
        return sent.get(sent.size() - 1);
    }
}
