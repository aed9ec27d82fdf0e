package dev.herald.simulator.peer;

import dev.herald.bgp.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated routers of one simulation, by name, sharing one Netty event-loop group (each peer keeps to one of its
 * threads). Closing it closes every peer, then the group.
 */
public final class EmulatedPeers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmulatedPeers.class);

    private final Transport transport;
    private final EventLoopGroup group;
    private final Map<String, EmulatedPeer> peers = new LinkedHashMap<>();
    private boolean closed;

    /** Epoll where available (TCP-MD5), else NIO; up to 2 threads. */
    public EmulatedPeers() {
        this(PeerTransport.best(), Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    EmulatedPeers(Transport transport, int threads) {
        this.transport = transport;
        AtomicInteger n = new AtomicInteger();
        this.group = transport.newEventLoopGroup(threads, r -> {
            Thread t = new Thread(r, "emulated-peers-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts a peer; its name must be new. */
    public synchronized EmulatedPeer add(EmulatedPeerConfig config) {
        if (closed) {
            throw new IllegalStateException("these emulated peers are closed");
        }
        if (peers.containsKey(config.name())) {
            throw new IllegalArgumentException("an emulated peer named " + config.name() + " already exists");
        }
        EmulatedPeer.checkTransport(config, transport);
        EmulatedPeer p = new EmulatedPeer(config, transport, group.next(), null);
        p.open();
        peers.put(config.name(), p);
        return p;
    }

    public synchronized Optional<EmulatedPeer> get(String name) {
        return Optional.ofNullable(peers.get(name));
    }

    /** The peer named {@code name}; it must exist. */
    public synchronized EmulatedPeer peer(String name) {
        EmulatedPeer p = peers.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no emulated peer named " + name + "; there are " + peers.keySet());
        }
        return p;
    }

    /** In the order they were added. */
    public synchronized List<EmulatedPeer> all() {
        return List.copyOf(peers.values());
    }

    /** Stops a peer (its sessions end with Cease) and forgets it. */
    public void remove(String name) {
        EmulatedPeer p;
        synchronized (this) {
            p = peers.remove(name);
        }
        if (p != null) {
            p.close();
        }
    }

    public String transportName() {
        return transport.name();
    }

    @Override
    public void close() {
        List<EmulatedPeer> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(peers.values());
            peers.clear();
        }
        for (EmulatedPeer p : all) {
            try {
                p.close();
            } catch (RuntimeException e) {
                LOG.warn("Emulated peer {} did not stop cleanly: {}", p.name(), e.toString());
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
