package dev.herald.backend.gobgp;

import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.spi.BgpException;
import dev.herald.backend.gobgp.apipb.AddPeerRequest;
import dev.herald.backend.gobgp.apipb.DeletePeerRequest;
import dev.herald.backend.gobgp.apipb.Destination;
import dev.herald.backend.gobgp.apipb.GetBgpRequest;
import dev.herald.backend.gobgp.apipb.Global;
import dev.herald.backend.gobgp.apipb.GobgpApiGrpc;
import dev.herald.backend.gobgp.apipb.ListPathRequest;
import dev.herald.backend.gobgp.apipb.ListPathResponse;
import dev.herald.backend.gobgp.apipb.ListPeerRequest;
import dev.herald.backend.gobgp.apipb.ListPeerResponse;
import dev.herald.backend.gobgp.apipb.Peer;
import dev.herald.backend.gobgp.apipb.StartBgpRequest;
import dev.herald.backend.gobgp.apipb.StopBgpRequest;
import dev.herald.backend.gobgp.apipb.TableType;
import dev.herald.backend.gobgp.apipb.UpdatePeerRequest;
import dev.herald.support.HostPort;
import inet.ipaddr.IPAddress;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to one gobgpd: its API channel and, when Herald started it, its process; and the calls Herald makes
 * to it, their failures worded as an operator should read them. Holds no state of Herald's: that is the server's.
 */
final class GobgpdConnection {
    private static final Logger LOG = LoggerFactory.getLogger(GobgpdConnection.class);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final String ALREADY_EXISTS = "can't overwrite the existing peer";
    private static final String NO_SUCH_PEER_UPDATE = "doesn't exist";
    private static final String NO_SUCH_PEER_DELETE = "can't delete a peer configuration";

    final InetSocketAddress api;
    /** The daemon Herald started; null when attached to a running one. */
    final GobgpdProcess process;
    final ManagedChannel channel;
    /**
     * The channel's own threads, stopped in {@link #discard()} before it returns. grpc's shared ones are released
     * a second after the last channel closes, when this bundle may already be gone: their last task then fails
     * to load classes from a stale bundle wiring.
     */
    private final EventLoopGroup loop;
    private final ExecutorService executor;
    final GobgpApiGrpc.GobgpApiBlockingStub blocking;
    final GobgpApiGrpc.GobgpApiStub async;
    final long launchedNanos = System.nanoTime();

    GobgpdConnection(InetSocketAddress api, GobgpdProcess process) {
        this.api = api;
        this.process = process;
        this.loop = new NioEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "herald-gobgp-grpc-" + api.getPort());
            t.setDaemon(true);
            return t;
        });
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "herald-gobgp-calls-" + api.getPort());
            t.setDaemon(true);
            return t;
        });
        // the Netty transport is named directly: no provider lookup through ServiceLoader
        this.channel = NettyChannelBuilder.forAddress(api).usePlaintext().eventLoopGroup(loop)
                .channelType(NioSocketChannel.class).executor(executor).maxInboundMessageSize(256 << 20).build();
        this.blocking = GobgpApiGrpc.newBlockingStub(channel);
        this.async = GobgpApiGrpc.newStub(channel);
    }

    String describe() {
        return "gobgpd" + (process != null ? " (pid " + process.pid() + ")" : "") + " at " + HostPort.format(api);
    }

    /** Whether Herald started this daemon and knows it to have exited. */
    boolean exited() {
        return process != null && !process.isAlive();
    }

    /** Closes the channel and stops its threads; a process Herald started is killed. */
    void discard() {
        closeChannel();
        if (process != null) {
            process.kill();
        }
    }

    /** Closes the channel and waits (boundedly) for its threads to end; never call it from those threads. */
    void closeChannel() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(2000);
        executor.shutdownNow();
    }

    /** Waits until the API answers; throws when the daemon exits first or {@code timeout} passes. */
    void awaitApi(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        StatusRuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (exited()) {
                throw new BgpException(describe() + " exited with code " + process.exitCode()
                        + " before its API answered; its last log lines:\n" + process.recentLog());
            }
            try {
                blocking.withWaitForReady().withDeadlineAfter(200, TimeUnit.MILLISECONDS)
                        .getBgp(GetBgpRequest.getDefaultInstance());
                return;
            } catch (StatusRuntimeException e) {
                last = e;
                channel.resetConnectBackoff();
            }
        }
        throw new BgpException("the API of " + describe() + " did not answer within " + timeout.toSeconds() + " s"
                + (last != null ? ": " + last.getStatus() : ""), last);
    }

    // ---- the speaker ----

    /** The global config the daemon runs; AS 0 when it runs none. Throws {@link StatusRuntimeException}. */
    Global global() {
        return call(s -> s.getBgp(GetBgpRequest.getDefaultInstance())).getGlobal();
    }

    /** StartBgp, unless the daemon already runs this very speaker (an attached daemon Herald configured before). */
    void startGlobal(GlobalConfig config) {
        String id = config.routerId().toCanonicalString();
        String what = "start BGP AS " + config.localAsn() + " router ID " + id + " on port " + config.listenPort();
        Global running = rpc(what, s -> s.getBgp(GetBgpRequest.getDefaultInstance())).getGlobal();
        if (running.getAsn() == 0) {
            rpc(what, s -> s.startBgp(StartBgpRequest.newBuilder().setGlobal(GobgpMessages.global(config)).build()));
            return;
        }
        if (GobgpMessages.sameSpeaker(running, config)) {
            LOG.info("{} already runs AS {} router ID {}: taking it over with its peers and routes", describe(),
                    config.localAsn(), id);
            return;
        }
        throw new BgpException("cannot " + what + ": " + describe() + " already runs AS "
                + Integer.toUnsignedLong(running.getAsn()) + " router ID " + running.getRouterId()
                + "; Herald does not take over another speaker (stop it with 'gobgp -p " + api.getPort()
                + " global del all' if it is a leftover)");
    }

    /** StopBgp: gobgpd closes every session with a Cease. A failure is logged. */
    void stopGlobal() {
        try {
            call(s -> s.stopBgp(StopBgpRequest.getDefaultInstance()));
        } catch (StatusRuntimeException e) {
            LOG.warn("StopBgp on {} failed: {}; its sessions may not have been sent a Cease", describe(),
                    e.getStatus());
        }
    }

    // ---- peers ----

    void addPeer(PeerConfig peer, GlobalConfig config, boolean restarting) {
        Peer p = GobgpMessages.peer(peer, config, restarting);
        try {
            call(s -> s.addPeer(AddPeerRequest.newBuilder().setPeer(p).build()));
        } catch (StatusRuntimeException e) {
            if (!messageOf(e).contains(ALREADY_EXISTS)) {
                throw failure("add peer " + peer.key(), e);
            }
            // an earlier call that failed for Herald reached gobgpd, or an attached daemon had it already
            updatePeer(peer, config, restarting);
        }
    }

    void updatePeer(PeerConfig peer, GlobalConfig config, boolean restarting) {
        Peer p = GobgpMessages.peer(peer, config, restarting);
        try {
            call(s -> s.updatePeer(UpdatePeerRequest.newBuilder().setPeer(p).build()));
        } catch (StatusRuntimeException e) {
            if (!messageOf(e).contains(NO_SUCH_PEER_UPDATE)) {
                throw failure("update peer " + peer.key(), e);
            }
            try {
                call(s -> s.addPeer(AddPeerRequest.newBuilder().setPeer(p).build()));
            } catch (StatusRuntimeException e2) {
                throw failure("add peer " + peer.key() + " (gobgpd did not have it)", e2);
            }
        }
    }

    void deletePeer(PeerKey key) {
        try {
            call(s -> s.deletePeer(DeletePeerRequest.newBuilder()
                    .setAddress(GobgpMessages.canonical(key.address())).build()));
        } catch (StatusRuntimeException e) {
            if (!messageOf(e).contains(NO_SUCH_PEER_DELETE)) {
                throw failure("remove peer " + key, e);
            }
        }
    }

    /** gobgpd's peers by canonical address; empty while it does not answer (its sessions are down then). */
    Map<String, Peer> listPeers() {
        Map<String, Peer> out = new HashMap<>();
        if (exited()) {
            return out;
        }
        try {
            Iterator<ListPeerResponse> it = blocking.withDeadlineAfter(CALL_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS).listPeer(ListPeerRequest.newBuilder().setEnableAdvertised(true).build());
            while (it.hasNext()) {
                Peer p = it.next().getPeer();
                String address = p.getConf().getNeighborAddress();
                if (address.isEmpty()) {
                    address = p.getState().getNeighborAddress();
                }
                GobgpMessages.parseAddress(address).ifPresent(a -> out.put(GobgpMessages.canonical(a), p));
            }
        } catch (StatusRuntimeException e) {
            LOG.debug("ListPeer on {} failed: {}", describe(), e.getStatus());
        }
        return out;
    }

    /** The prefixes in gobgpd's Adj-RIB-Out for one peer, from ListPath. */
    Set<IPAddress> sentTo(PeerKey peer) {
        Set<IPAddress> sent = new HashSet<>();
        ListPathRequest req = ListPathRequest.newBuilder().setTableType(TableType.ADJ_OUT)
                .setName(GobgpMessages.canonical(peer.address()))
                .setFamily(peer.isIPv6() ? GobgpMessages.IPV6_UNICAST : GobgpMessages.IPV4_UNICAST).build();
        try {
            Iterator<ListPathResponse> it = blocking.withDeadlineAfter(CALL_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS).listPath(req);
            while (it.hasNext()) {
                Destination dest = it.next().getDestination();
                GobgpMessages.parsePrefix(dest.getPrefix()).ifPresent(sent::add);
            }
        } catch (StatusRuntimeException e) {
            throw failure("list the routes sent to peer " + peer, e);
        }
        return sent;
    }

    // ---- calls ----

    /** Throws when Herald knows the daemon to have exited (its supervisor restarts it). */
    void checkAlive(String what) {
        if (exited()) {
            throw new BgpException("cannot " + what + ": " + describe() + " exited and is being restarted; "
                    + "try again shortly");
        }
    }

    /** One unary call with the call timeout; a daemon Herald knows to be dead is not asked. */
    <T> T call(Function<GobgpApiGrpc.GobgpApiBlockingStub, T> rpc) {
        if (exited()) {
            throw Status.UNAVAILABLE.withDescription("exited; being restarted").asRuntimeException();
        }
        return rpc.apply(blocking.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    private <T> T rpc(String what, Function<GobgpApiGrpc.GobgpApiBlockingStub, T> rpc) {
        try {
            return call(rpc);
        } catch (StatusRuntimeException e) {
            throw failure(what, e);
        }
    }

    private static String messageOf(StatusRuntimeException e) {
        String m = e.getStatus().getDescription();
        return m == null ? "" : m;
    }

    /** A failed call as an operator should read it: what was done, to which daemon, and gobgpd's own words. */
    BgpException failure(String what, StatusRuntimeException e) {
        Status s = e.getStatus();
        String why;
        switch (s.getCode()) {
            case UNAVAILABLE:
                why = describe() + " does not answer (" + messageOf(e) + ")";
                break;
            case DEADLINE_EXCEEDED:
                why = describe() + " did not answer in time";
                break;
            default:
                why = "gobgpd said: " + (messageOf(e).isEmpty() ? s.getCode().toString() : messageOf(e));
                break;
        }
        return new BgpException("cannot " + what + ": " + why, e);
    }
}
