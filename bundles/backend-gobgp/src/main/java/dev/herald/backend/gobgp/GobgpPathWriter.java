package dev.herald.backend.gobgp;

import dev.herald.api.spi.BgpException;
import dev.herald.backend.gobgp.apipb.AddPathRequest;
import dev.herald.backend.gobgp.apipb.AddPathStreamRequest;
import dev.herald.backend.gobgp.apipb.DeletePathRequest;
import dev.herald.backend.gobgp.apipb.Path;
import dev.herald.backend.gobgp.apipb.TableType;
import com.google.protobuf.Empty;
import inet.ipaddr.IPAddress;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Adds and withdraws Herald's paths in gobgpd's global table: one call each for a few, one AddPathStream for many. */
final class GobgpPathWriter {
    /** Batches of this many prefixes or more go through one AddPathStream instead of one call each. */
    static final int STREAM_THRESHOLD = 32;
    /** Paths per AddPathStream message. */
    static final int PATHS_PER_MESSAGE = 1000;
    /** A stream may take this plus 1 s per 1,000 paths (gobgpd takes about 2-3k paths/s). */
    private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(60);

    private GobgpPathWriter() {
    }

    /** Adds ({@code withdraw} false) or withdraws the paths of {@code prefixes}; throws on the first failure. */
    static void send(GobgpdConnection d, List<IPAddress> prefixes, boolean withdraw) {
        if (prefixes.size() >= STREAM_THRESHOLD) {
            stream(d, prefixes, withdraw);
            return;
        }
        for (IPAddress p : prefixes) {
            Path path = GobgpMessages.path(p, false);
            try {
                if (withdraw) {
                    // never without a path: a DeletePath with none deletes every path Herald added
                    d.call(s -> s.deletePath(DeletePathRequest.newBuilder().setTableType(TableType.GLOBAL)
                            .setFamily(path.getFamily()).setPath(path).build()));
                } else {
                    d.call(s -> s.addPath(AddPathRequest.newBuilder().setTableType(TableType.GLOBAL)
                            .setPath(path).build()));
                }
            } catch (StatusRuntimeException e) {
                throw d.failure((withdraw ? "withdraw " : "advertise ") + p.toCanonicalString(), e);
            }
        }
    }

    /**
     * One AddPathStream: the paths in messages of {@value #PATHS_PER_MESSAGE} as fast as flow control lets them
     * go, then half-close and wait for gobgpd's answer, which comes once it has taken every path.
     */
    private static void stream(GobgpdConnection d, List<IPAddress> prefixes, boolean withdraw) {
        String what = (withdraw ? "withdraw " : "advertise ") + describe(prefixes);
        d.checkAlive(what);
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        Object ready = new Object();
        ClientResponseObserver<AddPathStreamRequest, Empty> answers = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<AddPathStreamRequest> requests) {
                requests.setOnReadyHandler(() -> {
                    synchronized (ready) {
                        ready.notifyAll();
                    }
                });
            }

            @Override
            public void onNext(Empty value) {
            }

            @Override
            public void onError(Throwable t) {
                error.set(t);
                done.countDown();
                synchronized (ready) {
                    ready.notifyAll();
                }
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        };
        long timeoutMillis = STREAM_TIMEOUT.toMillis() + prefixes.size();
        ClientCallStreamObserver<AddPathStreamRequest> requests = (ClientCallStreamObserver<AddPathStreamRequest>)
                d.async.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS).addPathStream(answers);
        try {
            for (int from = 0; from < prefixes.size() && error.get() == null; from += PATHS_PER_MESSAGE) {
                AddPathStreamRequest.Builder m = AddPathStreamRequest.newBuilder().setTableType(TableType.GLOBAL);
                for (IPAddress p : prefixes.subList(from, Math.min(from + PATHS_PER_MESSAGE, prefixes.size()))) {
                    m.addPaths(GobgpMessages.path(p, withdraw));
                }
                synchronized (ready) {
                    while (!requests.isReady() && error.get() == null) {
                        ready.wait(100);
                    }
                }
                if (error.get() == null) {
                    requests.onNext(m.build());
                }
            }
            if (error.get() == null) {
                requests.onCompleted();
            }
            if (!done.await(timeoutMillis + 1000, TimeUnit.MILLISECONDS)) {
                requests.cancel("no answer", null);
                throw new BgpException("cannot " + what + ": " + d.describe() + " did not answer the AddPathStream "
                        + "within " + timeoutMillis / 1000 + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requests.cancel("interrupted", e);
            throw new BgpException("interrupted while trying to " + what, e);
        }
        Throwable t = error.get();
        if (t != null) {
            throw d.failure(what, t instanceof StatusRuntimeException ? (StatusRuntimeException) t
                    : Status.fromThrowable(t).asRuntimeException());
        }
    }

    /** A batch in a message: its size and first prefixes. */
    static String describe(Collection<IPAddress> prefixes) {
        StringBuilder b = new StringBuilder();
        b.append(prefixes.size()).append(prefixes.size() == 1 ? " route (" : " routes (");
        int n = 0;
        for (IPAddress p : prefixes) {
            if (n == 3) {
                b.append(", ...");
                break;
            }
            b.append(n++ == 0 ? "" : ", ").append(p.toCanonicalString());
        }
        return b.append(')').toString();
    }
}
