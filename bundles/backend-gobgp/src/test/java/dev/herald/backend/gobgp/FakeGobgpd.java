package dev.herald.backend.gobgp;

import com.google.protobuf.Empty;
import dev.herald.backend.gobgp.apipb.AddPathRequest;
import dev.herald.backend.gobgp.apipb.AddPathResponse;
import dev.herald.backend.gobgp.apipb.AddPathStreamRequest;
import dev.herald.backend.gobgp.apipb.AddPeerRequest;
import dev.herald.backend.gobgp.apipb.DeletePathRequest;
import dev.herald.backend.gobgp.apipb.DeletePeerRequest;
import dev.herald.backend.gobgp.apipb.GetBgpRequest;
import dev.herald.backend.gobgp.apipb.GetBgpResponse;
import dev.herald.backend.gobgp.apipb.Global;
import dev.herald.backend.gobgp.apipb.GobgpApiGrpc;
import dev.herald.backend.gobgp.apipb.ListPeerRequest;
import dev.herald.backend.gobgp.apipb.ListPeerResponse;
import dev.herald.backend.gobgp.apipb.Path;
import dev.herald.backend.gobgp.apipb.Peer;
import dev.herald.backend.gobgp.apipb.PeerState;
import dev.herald.backend.gobgp.apipb.StartBgpRequest;
import dev.herald.backend.gobgp.apipb.StopBgpRequest;
import dev.herald.backend.gobgp.apipb.UpdatePeerRequest;
import dev.herald.backend.gobgp.apipb.UpdatePeerResponse;
import inet.ipaddr.IPAddress;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for gobgpd's API on loopback: it records every call and keeps peers and paths as gobgpd would, with the
 * error messages gobgpd gives, and fails calls on request.
 */
final class FakeGobgpd extends GobgpApiGrpc.GobgpApiImplBase implements AutoCloseable {
    final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile Global global = Global.getDefaultInstance();
    final Map<String, Peer> peers = new ConcurrentHashMap<>();
    final Map<IPAddress, Path> paths = new ConcurrentHashMap<>();
    /** Messages received per AddPathStream, for the batching tests. */
    final List<Integer> streamMessages = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Fail the next call of this name with gobgpd's kind of error. */
    volatile String failNext;
    /** Let a failing AddPathStream take this many paths first. */
    volatile int applyBeforeFailing;
    final Map<String, PeerState.SessionState> states = new ConcurrentHashMap<>();
    private final Server server;

    FakeGobgpd() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this).build().start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.getPort());
    }

    List<String> calls(String name) {
        synchronized (calls) {
            return calls.stream().filter(c -> c.startsWith(name)).toList();
        }
    }

    private boolean failing(String name, StreamObserver<?> o) {
        calls.add(name);
        if (name.equals(failNext)) {
            failNext = null;
            o.onError(Status.UNKNOWN.withDescription("injected failure of " + name).asRuntimeException());
            return true;
        }
        return false;
    }

    private static <T> void answer(StreamObserver<T> o, T v) {
        o.onNext(v);
        o.onCompleted();
    }

    @Override
    public void startBgp(StartBgpRequest r, StreamObserver<Empty> o) {
        if (failing("StartBgp", o)) {
            return;
        }
        global = r.getGlobal();
        answer(o, Empty.getDefaultInstance());
    }

    @Override
    public void stopBgp(StopBgpRequest r, StreamObserver<Empty> o) {
        if (failing("StopBgp", o)) {
            return;
        }
        global = Global.getDefaultInstance();
        peers.clear();
        paths.clear();
        answer(o, Empty.getDefaultInstance());
    }

    @Override
    public void getBgp(GetBgpRequest r, StreamObserver<GetBgpResponse> o) {
        if (failing("GetBgp", o)) {
            return;
        }
        answer(o, GetBgpResponse.newBuilder().setGlobal(global).build());
    }

    @Override
    public void addPeer(AddPeerRequest r, StreamObserver<Empty> o) {
        if (failing("AddPeer", o)) {
            return;
        }
        String a = r.getPeer().getConf().getNeighborAddress();
        if (peers.containsKey(a)) {
            o.onError(Status.UNKNOWN.withDescription("can't overwrite the existing peer: " + a).asRuntimeException());
            return;
        }
        peers.put(a, r.getPeer());
        answer(o, Empty.getDefaultInstance());
    }

    @Override
    public void updatePeer(UpdatePeerRequest r, StreamObserver<UpdatePeerResponse> o) {
        if (failing("UpdatePeer", o)) {
            return;
        }
        String a = r.getPeer().getConf().getNeighborAddress();
        if (!peers.containsKey(a)) {
            o.onError(Status.UNKNOWN.withDescription("neighbor that has " + a + " doesn't exist")
                    .asRuntimeException());
            return;
        }
        peers.put(a, r.getPeer());
        answer(o, UpdatePeerResponse.getDefaultInstance());
    }

    @Override
    public void deletePeer(DeletePeerRequest r, StreamObserver<Empty> o) {
        if (failing("DeletePeer", o)) {
            return;
        }
        if (peers.remove(r.getAddress()) == null) {
            o.onError(Status.UNKNOWN.withDescription("can't delete a peer configuration for " + r.getAddress())
                    .asRuntimeException());
            return;
        }
        answer(o, Empty.getDefaultInstance());
    }

    @Override
    public void listPeer(ListPeerRequest r, StreamObserver<ListPeerResponse> o) {
        if (failing("ListPeer", o)) {
            return;
        }
        for (Peer p : peers.values()) {
            String a = p.getConf().getNeighborAddress();
            PeerState.SessionState s = states.getOrDefault(a, PeerState.SessionState.ACTIVE);
            Peer.Builder b = p.toBuilder();
            b.getStateBuilder().setSessionState(s).setNeighborAddress(a);
            if (s == PeerState.SessionState.ESTABLISHED) {
                b.getTimersBuilder().getStateBuilder().getUptimeBuilder().setSeconds(1_700_000_000L);
                b.getStateBuilder().getMessagesBuilder().getSentBuilder().setTotal(7);
                b.getStateBuilder().getMessagesBuilder().getReceivedBuilder().setTotal(5);
                b.getAfiSafisBuilder(0).getStateBuilder().setFamily(b.getAfiSafis(0).getConfig().getFamily())
                        .setAdvertised(paths.size()).setReceived(2);
            }
            o.onNext(ListPeerResponse.newBuilder().setPeer(b).build());
        }
        o.onCompleted();
    }

    @Override
    public void addPath(AddPathRequest r, StreamObserver<AddPathResponse> o) {
        if (failing("AddPath", o)) {
            return;
        }
        store(r.getPath());
        answer(o, AddPathResponse.getDefaultInstance());
    }

    @Override
    public void deletePath(DeletePathRequest r, StreamObserver<Empty> o) {
        if (failing("DeletePath", o)) {
            return;
        }
        if (!r.hasPath()) {
            paths.clear(); // what gobgpd does: every local path goes
        } else {
            GobgpMessages.prefixOf(r.getPath()).ifPresent(paths::remove);
        }
        answer(o, Empty.getDefaultInstance());
    }

    private void store(Path p) {
        IPAddress prefix = GobgpMessages.prefixOf(p).orElseThrow();
        if (p.getIsWithdraw()) {
            paths.remove(prefix);
        } else {
            paths.put(prefix, p);
        }
    }

    @Override
    public StreamObserver<AddPathStreamRequest> addPathStream(StreamObserver<Empty> o) {
        boolean fail = failing("AddPathStream", new StreamObserver<Object>() {
            public void onNext(Object v) {
            }

            public void onError(Throwable t) {
            }

            public void onCompleted() {
            }
        });
        AtomicInteger messages = new AtomicInteger();
        AtomicInteger taken = new AtomicInteger();
        return new StreamObserver<>() {
            boolean failed;

            @Override
            public void onNext(AddPathStreamRequest r) {
                messages.incrementAndGet();
                for (Path p : r.getPathsList()) {
                    if (fail && taken.get() >= applyBeforeFailing) {
                        if (!failed) {
                            failed = true;
                            o.onError(Status.UNKNOWN.withDescription("injected failure of AddPathStream")
                                    .asRuntimeException());
                        }
                        return;
                    }
                    store(p);
                    taken.incrementAndGet();
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
                streamMessages.add(messages.get());
                if (!failed) {
                    answer(o, Empty.getDefaultInstance());
                }
            }
        };
    }

    /** The prefixes the fake holds, as text, sorted. */
    List<String> prefixes() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        paths.keySet().stream().map(IPAddress::toCanonicalString).sorted().forEach(s -> m.put(s, true));
        return List.copyOf(m.keySet());
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination();
    }
}
