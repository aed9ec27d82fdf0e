package dev.herald.bfd.transport;

import dev.herald.bfd.packet.BfdControlPacket;
import dev.herald.bfd.packet.BfdPacketCodec;
import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.packet.Diagnostic;
import dev.herald.bfd.packet.DiscardReason;
import dev.herald.bfd.session.BfdParameters;
import dev.herald.bfd.session.BfdStateListener;
import dev.herald.bfd.session.BfdStateMachine;
import dev.herald.bfd.session.StateChange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session of the endpoint: its state machine, its own send socket, and the table entry. The machine is touched on
 * the event loop only; what other threads read comes from volatile copies.
 */
final class SessionHandle implements BfdSession {
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandle.class);
    /** After the first AdminDown packet of {@link #close()}, this many more. */
    private static final int FAREWELL_REPEATS = 2;
    /** The farewell packets are this far apart at most (the session's transmit interval if shorter). */
    private static final long FAREWELL_MAX_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    private final InetAddress remote;
    private final InetAddress local;
    private final Channel channel;
    private final EventLoop loop;
    private final BfdStateMachine machine;
    private final Runnable onClosed;
    /** The epoll socket to write to directly, or null on NIO. */
    private final UnixChannel direct;
    /** The one buffer every packet of the session is encoded into (epoll only); released when the socket closes. */
    private final ByteBuf out;
    private volatile BfdState state = BfdState.DOWN;
    private volatile Diagnostic diagnostic = Diagnostic.NONE;
    private volatile BfdParameters parameters;
    private volatile boolean closed;

    SessionHandle(InetAddress remote, InetAddress local, long discriminator, BfdParameters parameters,
                  Channel channel, BfdStateListener listener, RandomGenerator random,
                  EventLoopScheduler scheduler, Runnable onClosed) {
        this.remote = remote;
        this.local = local;
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.parameters = parameters;
        this.onClosed = onClosed;
        this.direct = channel instanceof UnixChannel u ? u : null;
        this.out = direct == null ? null : Unpooled.directBuffer(BfdControlPacket.MANDATORY_LENGTH * 2);
        if (out != null) {
            channel.closeFuture().addListener(f -> out.release());
        }
        this.machine = new BfdStateMachine(discriminator, parameters, scheduler, this::send,
                change -> changed(change, listener), random);
    }

    /** Starts the state machine; on the event loop. */
    void start() {
        machine.start();
    }

    /**
     * To the peer the socket is connected to. On the epoll transport the packet goes straight to the socket from a
     * buffer the session keeps: no pipeline, promise or pooled buffer per packet (docs/bfd.md, "CPU"). A packet the
     * socket refuses (its buffer full, the peer's ICMP unreachable) is lost, as BFD allows.
     */
    private void send(BfdControlPacket p) {
        if (!channel.isOpen()) {
            return; // closed (on this loop): its descriptor number may already belong to another file
        }
        if (direct != null) {
            out.clear();
            BfdPacketCodec.encode(p, out);
            try {
                direct.fd().writeAddress(out.memoryAddress(), 0, out.writerIndex());
            } catch (IOException e) {
                LOG.debug("BFD packet to {} not sent: {}", remote, e.toString());
            }
            return;
        }
        ByteBuf buf = channel.alloc().directBuffer(BfdControlPacket.MANDATORY_LENGTH);
        BfdPacketCodec.encode(p, buf);
        channel.writeAndFlush(buf, channel.voidPromise());
    }

    private void changed(StateChange change, BfdStateListener listener) {
        state = change.to();
        diagnostic = change.diagnostic();
        LOG.info("BFD session {} ({}{}): {} -> {} ({})", remote, machine.parameters().multihop() ? "multihop" : "single hop",
                local == null ? "" : ", from " + local.getHostAddress(), change.from(), change.to(),
                change.diagnostic());
        try {
            listener.stateChanged(change);
        } catch (RuntimeException e) {
            LOG.warn("BFD listener of {} failed on {}", remote, change, e);
        }
    }

    /** A packet the table selected for this session; on the event loop. */
    DiscardReason receive(BfdControlPacket p) {
        return machine.receive(p);
    }

    boolean multihop() {
        return parameters.multihop();
    }

    @Override
    public InetAddress remote() {
        return remote;
    }

    @Override
    public Optional<InetAddress> local() {
        return Optional.ofNullable(local);
    }

    @Override
    public BfdState state() {
        return state;
    }

    @Override
    public Diagnostic diagnostic() {
        return diagnostic;
    }

    @Override
    public long localDiscriminator() {
        return machine.localDiscriminator();
    }

    @Override
    public int sourcePort() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public BfdParameters parameters() {
        return parameters;
    }

    @Override
    public void update(BfdParameters next) {
        if (next.multihop() != parameters.multihop()) {
            throw new IllegalArgumentException("a session cannot change between single hop and multihop");
        }
        parameters = next;
        loop.execute(() -> {
            if (!closed) {
                machine.update(next);
            }
        });
    }

    @Override
    public void close() {
        loop.execute(this::closeOnLoop);
    }

    /** AdminDown, then two more AdminDown packets, then the socket closes and the table forgets the session. */
    void closeOnLoop() {
        if (closed) {
            return;
        }
        closed = true;
        long gap = machine.transmitIntervalNanos();
        gap = gap == 0 ? FAREWELL_MAX_GAP_NANOS : Math.min(gap, FAREWELL_MAX_GAP_NANOS);
        machine.adminDown();
        machine.halt();
        onClosed.run();
        farewell(FAREWELL_REPEATS, gap);
    }

    private void farewell(int left, long gap) {
        if (left == 0 || !channel.isActive()) {
            channel.close();
            return;
        }
        loop.schedule(() -> {
            machine.transmitOnce();
            farewell(left - 1, gap);
        }, gap, TimeUnit.NANOSECONDS);
    }

    /** Whether the socket is closed (after the farewell). */
    boolean socketClosed() {
        return !channel.isOpen();
    }

    @Override
    public String toString() {
        return "BFD session " + remote.getHostAddress() + (local == null ? "" : " from " + local.getHostAddress())
                + (multihop() ? " multihop" : "") + " " + state;
    }
}
