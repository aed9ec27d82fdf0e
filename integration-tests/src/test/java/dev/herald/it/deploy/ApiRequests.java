package dev.herald.it.deploy;

import dev.herald.simulator.cluster.ApiRequest;
import dev.herald.simulator.cluster.EmulatedCluster;
import java.util.List;

/** What the emulated API server recorded of one client, as RBAC sees it. */
final class ApiRequests {
    private ApiRequests() {
    }

    /** The resource requests made with {@code token}, as (verb, group, resource, subresource, namespace, name). */
    static List<RbacCheck.Access> madeWith(EmulatedCluster cluster, String token) {
        String user = ApiRequest.identityOf(token);
        return cluster.requests().stream().filter(r -> user.equals(r.user()) && r.isResourceRequest())
                .map(r -> new RbacCheck.Access(r.verb(), r.group(), r.resource(), r.subresource(), r.namespace(),
                        r.name())).toList();
    }
}
