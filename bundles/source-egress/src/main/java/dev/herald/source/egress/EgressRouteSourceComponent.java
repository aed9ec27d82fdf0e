package dev.herald.source.egress;

import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.RouteSource;
import org.osgi.framework.BundleContext;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The OSGi shell: while a {@link ClusterState} service is there, an {@link EgressRouteSource} over it is
 * registered as a {@link RouteSource} service. A replaced ClusterState replaces the source.
 */
// the service is registered by hand, so its capability is declared by hand for resolvers
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=dev.herald.api.spi.RouteSource",
        uses = RouteSource.class)
@Component
public final class EgressRouteSourceComponent {
    private final EgressRouteSource source;
    private final ServiceRegistration<RouteSource> registration;

    @Activate
    public EgressRouteSourceComponent(BundleContext context, @Reference ClusterState cluster) {
        source = new EgressRouteSource(cluster);
        // registered by hand, not provided by this component: the service object must be the source itself, since
        // it names itself in routesChanged and the controller matches that against the services it holds
        registration = context.registerService(RouteSource.class, source, null);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregisters a stopping bundle's services itself
        }
        source.close();
    }
}
