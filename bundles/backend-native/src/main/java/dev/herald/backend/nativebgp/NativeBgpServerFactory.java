package dev.herald.backend.nativebgp;

import dev.herald.api.GlobalConfig;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.StartMode;
import org.osgi.service.component.annotations.Component;

/** The native backend: Herald's own BGP-4 speaker on Netty, needing no routing daemon on the node. */
@Component(property = BgpServerFactory.BACKEND_PROPERTY + "=" + NativeBgpServerFactory.BACKEND)
public final class NativeBgpServerFactory implements BgpServerFactory {
    public static final String BACKEND = "native";

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public BgpServer create(GlobalConfig config) {
        return create(config, StartMode.FRESH);
    }

    /** With {@link StartMode#GRACEFUL_RESTART} the first OPEN of each session carries the restart-state bit. */
    @Override
    public BgpServer create(GlobalConfig config, StartMode mode) {
        return new NativeBgpServer(config, Transports.best(), mode == StartMode.GRACEFUL_RESTART,
                NativeBgpServer.DEFAULT_RECEIVE_LIMIT);
    }
}
