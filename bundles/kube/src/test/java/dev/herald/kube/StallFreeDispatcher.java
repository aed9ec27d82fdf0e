package dev.herald.kube;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.HashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * fabric8's CRUD dispatcher with watch closes handled off the server's event loop: the mock's watch listener waits
 * in onClosed for its queued sends, which need that very event loop, so a watch closed with events queued froze the
 * server for up to a minute (the simulator's emulated cluster does the same, see its OffLoopClose).
 */
final class StallFreeDispatcher extends KubernetesCrudDispatcher {
    private static final ExecutorService CLOSER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mock-watch-close");
        t.setDaemon(true);
        return t;
    });

    @Override
    public MockResponse handleWatch(String path) {
        MockResponse r = super.handleWatch(path);
        WebSocketListener inner = r.getWebSocketListener();
        if (inner != null) {
            r.withWebSocketUpgrade(new WebSocketListener() {
                @Override
                public void onOpen(WebSocket ws, Response response) {
                    inner.onOpen(ws, response);
                }

                @Override
                public void onMessage(WebSocket ws, String text) {
                    inner.onMessage(ws, text);
                }

                @Override
                public void onMessage(WebSocket ws, ByteString bytes) {
                    inner.onMessage(ws, bytes);
                }

                @Override
                public void onClosing(WebSocket ws, int code, String reason) {
                    inner.onClosing(ws, code, reason);
                }

                @Override
                public void onClosed(WebSocket ws, int code, String reason) {
                    CLOSER.execute(() -> inner.onClosed(ws, code, reason));
                }

                @Override
                public void onFailure(WebSocket ws, Throwable t, Response response) {
                    CLOSER.execute(() -> inner.onFailure(ws, t, response));
                }
            });
        }
        return r;
    }

    /** fabric8's mock API server in CRUD mode, over plain HTTP, with this dispatcher, started. */
    static KubernetesMockServer startServer() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new StallFreeDispatcher(), false);
        server.init();
        return server;
    }
}
