package dev.herald.testing;

import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A watch's WebSocket listener whose close and failure handling runs off the server's event loop. The mock's
 * listener waits (up to a minute) in onClosed/onFailure for its pending sends, and those sends need the very event
 * loop it blocks: every client that dropped a watch while events were queued (an agent restarting, an API outage)
 * froze the whole emulated API server. The simulator's emulated cluster and the tests' mock API servers use it.
 */
public final class OffLoopClose extends WebSocketListener {
    private static final ExecutorService CLOSER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mock-watch-close");
        t.setDaemon(true);
        return t;
    });

    private final WebSocketListener inner;

    public OffLoopClose(WebSocketListener inner) {
        this.inner = inner;
    }

    @Override
    public void onBeforeAccept(WebSocket ws, Response response) {
        inner.onBeforeAccept(ws, response);
    }

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
    public void onMessage(WebSocket ws, byte[] bytes) {
        inner.onMessage(ws, bytes);
    }

    @Override
    public void onPing(WebSocket ws, byte[] bytes) {
        inner.onPing(ws, bytes);
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
}
