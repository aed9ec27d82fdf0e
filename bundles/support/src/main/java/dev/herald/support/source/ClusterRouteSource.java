package dev.herald.support.source;

import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.Registration;
import dev.herald.api.spi.RouteSource;
import java.util.Objects;
import java.util.Set;
import org.osgi.service.component.annotations.Deactivate;

/**
 * A route source that follows {@link ClusterState}: it listens to the kinds of object it reads, keeps its own
 * listeners and stops following when closed.
 *
 * <p>A subclass is its bundle's Declarative Services component itself, with the ClusterState injected into its
 * constructor, so the service object the controller sees in {@code routesChanged} is the source. Its bundle's
 * bnd.bnd sets {@code -dsannotations-options: inherit}, which makes {@link #close()} the component's deactivate
 * method. Without a framework, a test constructs it over any ClusterState and closes it.
 */
public abstract class ClusterRouteSource implements RouteSource, AutoCloseable {
    /** The cluster this source reads. */
    protected final ClusterState cluster;
    private final Set<ClusterState.Kind> kinds;
    private final RouteListeners listeners = new RouteListeners();
    private volatile Registration clusterListener = () -> { };

    /** @param kinds the kinds of object whose changes {@link #changed} is told of */
    protected ClusterRouteSource(ClusterState cluster, Set<ClusterState.Kind> kinds) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.kinds = Set.copyOf(kinds);
    }

    /**
     * Starts following the cluster. A subclass calls it in its constructor, once its own fields are set and before
     * it reads the cluster, so that no change falls between the two.
     */
    protected final void follow() {
        clusterListener = cluster.addListener((kind, keys) -> {
            if (kinds.contains(kind)) {
                changed(kind, keys);
            }
        });
    }

    /** A change of one of this source's kinds, on the thread of the event. */
    protected abstract void changed(ClusterState.Kind kind, Set<String> keys);

    /** Tells the listeners, after the source has taken the change in; {@code owners} empty means "anything". */
    protected final void fire(Set<String> owners) {
        listeners.fire(this, owners);
    }

    @Override
    public final Registration addListener(Listener listener) {
        return listeners.add(listener);
    }

    /** Stops following the cluster; the source keeps its last state. */
    @Deactivate
    @Override
    public void close() {
        clusterListener.close();
    }
}
