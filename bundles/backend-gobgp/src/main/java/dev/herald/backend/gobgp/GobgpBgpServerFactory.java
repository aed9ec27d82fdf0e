package dev.herald.backend.gobgp;

import dev.herald.api.GlobalConfig;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.StopMode;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The goBGP backend: each server drives a gobgpd over its gRPC API, by default one it starts and supervises itself
 * (see {@link GobgpdSettings#defaults()}).
 */
@Component(property = BgpServerFactory.BACKEND_PROPERTY + "=" + GobgpBgpServerFactory.BACKEND)
public final class GobgpBgpServerFactory implements BgpServerFactory {
    public static final String BACKEND = "gobgp";

    private final GobgpdSettings settings;
    /** Servers handed out and maybe still running; weak, so a forgotten stopped server is not kept. */
    private final Set<GobgpBgpServer> created = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    public GobgpBgpServerFactory() {
        this(GobgpdSettings.defaults());
    }

    public GobgpBgpServerFactory(GobgpdSettings settings) {
        this.settings = settings;
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public BgpServer create(GlobalConfig config) {
        GobgpBgpServer s = new GobgpBgpServer(config, settings);
        created.add(s);
        return s;
    }

    /**
     * The bundle goes away (update, swap, shutdown): no gobgpd of ours may outlive it. They are stopped for a
     * graceful restart, so peers keep the routes while the next backend takes over.
     */
    @Deactivate
    void deactivate() {
        GobgpBgpServer[] servers;
        synchronized (created) {
            servers = created.toArray(new GobgpBgpServer[0]);
            created.clear();
        }
        for (GobgpBgpServer s : servers) {
            s.stop(StopMode.GRACEFUL_RESTART);
        }
    }
}
