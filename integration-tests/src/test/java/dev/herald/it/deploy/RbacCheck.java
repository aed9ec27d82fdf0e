package dev.herald.it.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Kubernetes RBAC as the API server's authorizer applies it, for one service account and the rendered manifests:
 * which rules bind to it (ClusterRoles through ClusterRoleBindings everywhere, Roles through RoleBindings in their
 * namespace), whether a request is allowed, and which granted permissions no request used.
 */
final class RbacCheck {
    /** One request as the authorizer sees it; {@code group} is "" for the core API, {@code namespace} null when
     * cluster-scoped, {@code name} null for a list, watch or create without one. */
    record Access(String verb, String group, String resource, String subresource, String namespace, String name) {
        String resourcePath() {
            return subresource == null || subresource.isEmpty() ? resource : resource + "/" + subresource;
        }

        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "core" : group) + " " + resourcePath()
                    + (namespace == null ? "" : " in " + namespace) + (name == null ? "" : " named " + name);
        }
    }

    /** A granted permission: one verb on one resource of one group, in a namespace or everywhere, maybe by name. */
    record Grant(String verb, String group, String resource, String namespace, List<String> names) {
        boolean allows(Access a) {
            return (verb.equals("*") || verb.equals(a.verb())) && (group.equals("*") || group.equals(a.group()))
                    && (resource.equals("*") || resource.equals(a.resourcePath()))
                    && (namespace == null || namespace.equals(a.namespace()))
                    && (names.isEmpty() || (a.name() != null && names.contains(a.name())));
        }

        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "core" : group) + " " + resource
                    + (namespace == null ? " (cluster-wide)" : " in " + namespace)
                    + (names.isEmpty() ? "" : " named " + names);
        }
    }

    private final List<Grant> grants = new ArrayList<>();

    /** The permissions {@code namespace/serviceAccount} holds under {@code manifests}. */
    RbacCheck(Collection<HasMetadata> manifests, String namespace, String serviceAccount) {
        for (HasMetadata m : manifests) {
            if (m instanceof ClusterRoleBinding b && bindsTo(b.getSubjects(), namespace, serviceAccount)) {
                rules(manifests, b.getRoleRef(), null).forEach(r -> add(r, null));
            } else if (m instanceof RoleBinding b && bindsTo(b.getSubjects(), namespace, serviceAccount)) {
                String ns = b.getMetadata().getNamespace();
                rules(manifests, b.getRoleRef(), ns).forEach(r -> add(r, ns));
            }
        }
    }

    private static boolean bindsTo(List<Subject> subjects, String namespace, String serviceAccount) {
        return subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind())
                && serviceAccount.equals(s.getName()) && namespace.equals(s.getNamespace()));
    }

    private static List<PolicyRule> rules(Collection<HasMetadata> manifests, RoleRef ref, String namespace) {
        for (HasMetadata m : manifests) {
            if (!m.getMetadata().getName().equals(ref.getName())) {
                continue;
            }
            if ("ClusterRole".equals(ref.getKind()) && m instanceof ClusterRole r) {
                return r.getRules();
            }
            if ("Role".equals(ref.getKind()) && m instanceof Role r
                    && namespace.equals(r.getMetadata().getNamespace())) {
                return r.getRules();
            }
        }
        throw new IllegalStateException("a binding refers to " + ref.getKind() + " " + ref.getName()
                + ", which the manifests do not hold");
    }

    private void add(PolicyRule rule, String namespace) {
        for (String group : rule.getApiGroups()) {
            for (String resource : rule.getResources()) {
                for (String verb : rule.getVerbs()) {
                    grants.add(new Grant(verb, group, resource, namespace, rule.getResourceNames()));
                }
            }
        }
    }

    /** The requests no grant allows. */
    List<Access> denied(Collection<Access> requests) {
        return requests.stream().filter(a -> grants.stream().noneMatch(g -> g.allows(a))).distinct().toList();
    }

    /** The grants no request used. */
    Set<Grant> unused(Collection<Access> requests) {
        Set<Grant> unused = new LinkedHashSet<>();
        for (Grant g : grants) {
            if (requests.stream().noneMatch(g::allows)) {
                unused.add(g);
            }
        }
        return unused;
    }
}
