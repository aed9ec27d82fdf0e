package dev.herald.bfd.transport;

import dev.herald.bfd.packet.DiscardReason;
import dev.herald.bfd.session.BfdParameters;
import dev.herald.bfd.session.BfdStateListener;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.Errors;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import org.osgi.annotation.versioning.ProviderType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BFD endpoint: the receive sockets (UDP 3784 single hop, 4784 multihop), one send socket per session
 * ({@link SendSockets}), and one event loop thread on which every session's state machine, timers and listener run.
 *
 * <pre>{@code
 * BfdSessions bfd = BfdSessions.open(BfdEndpointConfig.defaults());
 * BfdSession s = bfd.add(peer, Optional.of(localAddress),
 *         BfdParameters.singleHop(Duration.ofMillis(300), Duration.ofMillis(300), 3),
 *         change -> { if (change.to() == BfdState.DOWN) bgp.peerDown(); });
 * ...
 * s.close();     // AdminDown to the peer
 * bfd.close();   // every session, then the sockets and the thread
 * }</pre>
 */
@ProviderType
public final class BfdSessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BfdSessions.class);
    private static final long CALL_TIMEOUT_MS = 5_000;
    private static final long CLOSE_WAIT_MS = 2_000;

    private final BfdEndpointConfig config;
    private final DatagramTransport transport;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final SessionTable table;
    private final EventLoopScheduler scheduler;
    private final SendSockets senders;
    private final SplittableRandom random;
    private final List<Channel> receivers = new ArrayList<>();
    private final AtomicLongArray discards = new AtomicLongArray(DiscardReason.values().length);
    private final StallWarnings stalls = new StallWarnings();
    private volatile boolean closed;

    private BfdSessions(BfdEndpointConfig config, DatagramTransport transport) {
        this.config = config;
        this.transport = transport;
        this.group = transport.newEventLoopGroup(new DefaultThreadFactory("herald-bfd", true));
        this.loop = group.next();
        this.random = new SplittableRandom();
        this.table = new SessionTable(random);
        this.scheduler = new EventLoopScheduler(loop);
        this.senders = new SendSockets(transport, loop, config.ttlSecurity(), CALL_TIMEOUT_MS);
    }

    /**
     * Opens an endpoint: binds its receive sockets and starts its thread.
     *
     * @throws IOException if a receive socket cannot be bound (another BFD speaker on the port, for one)
     * @throws IllegalStateException if the config asks for the TTL check and only Java NIO is available
     */
    public static BfdSessions open(BfdEndpointConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        DatagramTransport transport = DatagramTransport.choose(config.transport());
        if (config.ttlSecurity() && !transport.supportsTtl()) {
            throw new IllegalStateException("BFD with TTL 255 and the TTL check (RFC 5881 §5) needs the native epoll "
                    + "transport; the " + transport.name() + " transport has neither");
        }
        BfdSessions endpoint = new BfdSessions(config, transport);
        try {
            endpoint.bindReceivers();
        } catch (IOException | RuntimeException e) {
            endpoint.close();
            throw e;
        }
        return endpoint;
    }

    private void bindReceivers() throws IOException {
        List<InetAddress> addresses = config.listenAddresses();
        boolean wildcard = addresses.isEmpty();
        if (wildcard) {
            addresses = List.of(InetAddress.getByName("::"));
        }
        for (InetAddress address : addresses) {
            try {
                bindReceivers(address);
            } catch (IOException e) {
                if (!wildcard) {
                    throw e;
                }
                // no IPv6 on this host: IPv4 only
                LOG.info("BFD cannot listen on [::] ({}); IPv4 only", e.getMessage());
                bindReceivers(InetAddress.getByName("0.0.0.0"));
            }
        }
    }

    private void bindReceivers(InetAddress address) throws IOException {
        receivers.add(bindReceiver(address, config.singleHopPort(), false, 255));
        if (config.multihopPort() != 0) {
            receivers.add(bindReceiver(address, config.multihopPort(), true, config.multihopMinTtl()));
        }
    }

    private Channel bindReceiver(InetAddress address, int port, boolean multihop, int minTtl) throws IOException {
        Bootstrap b = new Bootstrap().group(loop).channelFactory(transport.channelFactory(address instanceof Inet6Address))
                .handler(new ReceiveHandler(table, multihop, this::countDiscard, scheduler));
        transport.readInBatches(b, ReceiveHandler.MAX_MESSAGES_PER_READ);
        Channel ch = bind(b, new InetSocketAddress(address, port), CALL_TIMEOUT_MS);
        try {
            if (config.ttlSecurity() && minTtl > 1) {
                transport.dropBelowTtl(ch, minTtl);
            }
            transport.reportDestinationAddress(ch);
        } catch (RuntimeException e) {
            ch.close();
            throw new IOException("cannot set up the BFD socket " + ch.localAddress() + ": " + e.getMessage(), e);
        }
        LOG.info("BFD listens on {} ({}, {})", ch.localAddress(), multihop ? "multihop" : "single hop",
                transport.name());
        return ch;
    }

    static Channel bind(Bootstrap b, InetSocketAddress address, long timeoutMs) throws IOException {
        ChannelFuture f = b.bind(address);
        if (!f.awaitUninterruptibly(timeoutMs, TimeUnit.MILLISECONDS)) {
            f.cancel(false);
            throw new IOException("binding " + address + " did not finish within " + timeoutMs + " ms");
        }
        if (!f.isSuccess()) {
            Throwable cause = f.cause();
            // a port taken stays a BindException (the caller tries another source port), with the address in its
            // message; the epoll transport reports it as a NativeIoException of EADDRINUSE
            IOException e = addressInUse(cause) ? new BindException("cannot bind " + address + ": "
                    + cause.getMessage()) : new IOException("cannot bind " + address + ": " + cause.getMessage());
            e.initCause(cause);
            throw e;
        }
        return f.channel();
    }

    /**
     * Adds a session toward {@code remote} and starts it (Down, sending at once). Call it from any thread but the
     * endpoint's event loop (it waits for its socket).
     *
     * @param local the address to send from and expect packets on; empty lets the kernel choose, and the session
     *     then takes packets of {@code remote} arriving on any local address
     * @param listener told of every state change, on the event loop; it must not block
     * @throws IOException if no source port in 49152-65535 could be bound
     * @throws IllegalArgumentException if a session for this peer, local address and mode exists, or the
     *     addresses are of different families
     */
    public BfdSession add(InetAddress remote, Optional<InetAddress> local, BfdParameters parameters,
                          BfdStateListener listener) throws IOException {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(listener, "listener");
        if (loop.inEventLoop()) {
            throw new IllegalStateException("BfdSessions.add must not be called on the BFD event loop");
        }
        if (closed) {
            throw new IllegalStateException("the BFD endpoint is closed");
        }
        boolean v6 = remote instanceof Inet6Address;
        if (local.isPresent() && (local.get() instanceof Inet6Address) != v6) {
            throw new IllegalArgumentException("local " + local.get() + " and remote " + remote
                    + " are of different address families");
        }
        boolean taken = onLoop(() -> table.contains(remote, local.orElse(null), parameters.multihop()));
        if (taken) {
            throw new IllegalArgumentException("a BFD session to " + remote + local.map(l -> " from " + l).orElse("")
                    + (parameters.multihop() ? " (multihop)" : " (single hop)") + " exists");
        }
        int port = parameters.multihop() ? config.peerMultihopPort() : config.peerSingleHopPort();
        Channel ch = senders.open(local.orElse(wildcard(v6)), new InetSocketAddress(remote, port));
        try {
            return onLoop(() -> {
                if (closed) {
                    throw new IllegalStateException("the BFD endpoint is closed");
                }
                SessionHandle[] self = new SessionHandle[1];
                self[0] = new SessionHandle(remote, local.orElse(null), table.newDiscriminator(), parameters, ch,
                        listener, random.split(), scheduler, () -> {
                            table.remove(self[0]);
                            stalls.closed(self[0]);
                        });
                table.add(self[0]);
                stalls.opened(self[0]);
                self[0].start();
                return self[0];
            });
        } catch (RuntimeException | IOException e) {
            ch.close();
            throw e;
        }
    }

    /** Linux's EADDRINUSE, as Netty's native transport reports a failed bind (negated). */
    private static final int EADDRINUSE = 98;

    static boolean addressInUse(Throwable cause) {
        return cause instanceof BindException
                || cause instanceof Errors.NativeIoException n && n.expectedErr() == -EADDRINUSE;
    }

    private static InetAddress wildcard(boolean v6) {
        try {
            return InetAddress.getByName(v6 ? "::" : "0.0.0.0");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sessions open now (closed ones are gone at once, while their farewell packets still go out). */
    public Collection<BfdSession> sessions() {
        if (closed) {
            return List.of();
        }
        try {
            return List.copyOf(onLoop(table::all));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many received packets were discarded, by reason, since the endpoint opened. */
    public Map<DiscardReason, Long> discards() {
        Map<DiscardReason, Long> out = new EnumMap<>(DiscardReason.class);
        for (DiscardReason r : DiscardReason.values()) {
            out.put(r, discards.get(r.ordinal()));
        }
        return out;
    }

    private void countDiscard(DiscardReason reason, InetAddress sender) {
        discards.incrementAndGet(reason.ordinal());
        LOG.debug("BFD packet from {} discarded: {}", sender, reason);
    }

    /** The thread every session's state machine and listener run on; tasks given to it must not block. */
    public EventLoop eventLoop() {
        return loop;
    }

    /** "epoll" or "nio". */
    public String transportName() {
        return transport.name();
    }

    /** The addresses the receive sockets are bound to. */
    public List<InetSocketAddress> listenAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel ch : receivers) {
            out.add((InetSocketAddress) ch.localAddress());
        }
        return out;
    }

    /**
     * Closes every session (AdminDown, three packets within about 600 ms), then the receive sockets and the thread.
     * Returns when all is closed, after at most a few seconds.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<SessionHandle> sessions = new ArrayList<>();
        try {
            sessions.addAll(onLoop(() -> {
                Collection<SessionHandle> all = table.all();
                all.forEach(SessionHandle::closeOnLoop);
                return all;
            }));
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
            while (sessions.stream().anyMatch(s -> !s.socketClosed()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("closing the BFD sessions failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Channel ch : receivers) {
            ch.close().awaitUninterruptibly(CALL_TIMEOUT_MS);
        }
        group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(CALL_TIMEOUT_MS);
        stalls.close();
    }

    /** Runs {@code task} on the event loop and waits for it (at most 5 s). */
    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws IOException {
        try {
            return loop.submit(task).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the BFD event loop did not answer within " + CALL_TIMEOUT_MS + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
