package dev.herald.kube;

import dev.herald.testing.OffLoopClose;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.HashMap;

/**
 * fabric8's CRUD dispatcher with watch closes handled off the server's event loop ({@link OffLoopClose}), as the
 * simulator's emulated cluster has them.
 */
final class StallFreeDispatcher extends KubernetesCrudDispatcher {
    @Override
    public MockResponse handleWatch(String path) {
        MockResponse r = super.handleWatch(path);
        WebSocketListener inner = r.getWebSocketListener();
        if (inner != null) {
            r.withWebSocketUpgrade(new OffLoopClose(inner));
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
