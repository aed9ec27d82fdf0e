package dev.herald.source.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Advertisements;
import dev.herald.api.EndpointInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.ServiceIPType;
import dev.herald.api.ServiceInfo;
import dev.herald.api.spi.Registration;
import dev.herald.testing.InMemoryClusterState;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The Service route source over a fake cluster: one test or more per rule of docs/bgp-policy.md, Behaviour §5, and
 * the incremental contract.
 */
class ServiceRouteSourceTest {
    static final NodeInfo NODE = node("node1");
    static final NodeInfo OTHER = node("node2");
    static final Advertisements ALL = ads(ServiceIPType.values());

    private final InMemoryClusterState cluster = new InMemoryClusterState();
    private final List<Set<String>> reports = new ArrayList<>();
    private ServiceRouteSource source;

    @BeforeEach
    void setUp() {
        source = new ServiceRouteSource(cluster);
        source.addListener((s, owners) -> {
            assertThat(s).isSameAs(source);
            reports.add(owners);
        });
    }

    @Nested
    class IpTypes {
        @Test
        void clusterIpsAreHostRoutesOwnedByTheService() {
            cluster.put(svc("default", "web").cluster("10.96.0.10").build());

            assertThat(source.routes(NODE, ads(ServiceIPType.CLUSTER_IP)))
                    .containsExactly(new Route(ip("10.96.0.10/32"), RouteType.SERVICE_CLUSTER_IP,
                            Optional.of("default/web")));
        }

        @Test
        void onlyTheListedTypesAreAdvertised() {
            cluster.put(svc("ns", "lb").type("LoadBalancer").cluster("10.96.0.1").external("192.0.2.1")
                    .lb("198.51.100.1").build());

            assertThat(texts(source.routes(NODE, ads(ServiceIPType.EXTERNAL_IP))))
                    .containsExactly("192.0.2.1/32 ServiceExternalIP ns/lb");
            assertThat(texts(source.routes(NODE, ads(ServiceIPType.LOAD_BALANCER_IP))))
                    .containsExactly("198.51.100.1/32 ServiceLoadBalancerIP ns/lb");
            assertThat(texts(source.routes(NODE, ads(ServiceIPType.CLUSTER_IP, ServiceIPType.EXTERNAL_IP))))
                    .containsExactly("10.96.0.1/32 ServiceClusterIP ns/lb", "192.0.2.1/32 ServiceExternalIP ns/lb");
            assertThat(texts(source.routes(NODE, ALL))).hasSize(3);
        }

        @Test
        void noTypesListedMeansNoRoutes() {
            cluster.put(svc("ns", "lb").type("LoadBalancer").cluster("10.96.0.1").external("192.0.2.1")
                    .lb("198.51.100.1").build());

            assertThat(source.routes(NODE, Advertisements.NONE)).isEmpty();
            assertThat(source.routes(NODE, Advertisements.NONE, List.of("ns/lb"))).isEmpty();
        }

        @Test
        void loadBalancerIpsOnlyForTypeLoadBalancer() {
            // a Service changed from LoadBalancer to NodePort may still carry its old ingress status
            cluster.put(svc("ns", "np").type("NodePort").cluster("10.96.0.2").lb("198.51.100.2").build());
            cluster.put(svc("ns", "lb").type("LoadBalancer").cluster("10.96.0.3").lb("198.51.100.3").build());

            assertThat(texts(source.routes(NODE, ads(ServiceIPType.LOAD_BALANCER_IP))))
                    .containsExactly("198.51.100.3/32 ServiceLoadBalancerIP ns/lb");
        }

        @Test
        void headlessServiceHasNoClusterIpButKeepsItsExternalIps() {
            cluster.put(svc("ns", "headless").external("192.0.2.7").build());

            assertThat(texts(source.routes(NODE, ALL))).containsExactly("192.0.2.7/32 ServiceExternalIP ns/headless");
        }

        @Test
        void dualStackReturnsBothFamilies() {
            cluster.put(svc("ns", "dual").type("LoadBalancer").cluster("10.96.0.5", "fd00:10:96::5")
                    .external("192.0.2.5", "2001:db8::5").lb("198.51.100.5", "2001:db8:1::5").build());

            assertThat(texts(source.routes(NODE, ALL))).containsExactlyInAnyOrder(
                    "10.96.0.5/32 ServiceClusterIP ns/dual", "fd00:10:96::5/128 ServiceClusterIP ns/dual",
                    "192.0.2.5/32 ServiceExternalIP ns/dual", "2001:db8::5/128 ServiceExternalIP ns/dual",
                    "198.51.100.5/32 ServiceLoadBalancerIP ns/dual",
                    "2001:db8:1::5/128 ServiceLoadBalancerIP ns/dual");
        }

        @Test
        void twoServicesSharingAnExternalIpGiveOneRouteEach() {
            cluster.put(svc("ns", "a").external("192.0.2.9").build());
            cluster.put(svc("ns", "b").external("192.0.2.9").build());

            assertThat(texts(source.routes(NODE, ALL)))
                    .containsExactly("192.0.2.9/32 ServiceExternalIP ns/a", "192.0.2.9/32 ServiceExternalIP ns/b");
        }

        @Test
        void aPrefixLengthOnAServiceIpIsDroppedAndABlockIgnored() {
            cluster.put(svc("ns", "odd").cluster("10.96.0.9/24", "10.96.1.0/24").build());

            assertThat(texts(source.routes(NODE, ALL))).containsExactly("10.96.0.9/32 ServiceClusterIP ns/odd");
        }
    }

    @Nested
    class InternalTrafficPolicyLocal {
        @Test
        void clusterIpAdvertisedWithALocalEndpoint() {
            cluster.put(svc("ns", "itp").cluster("10.96.1.1").itpLocal().build());
            cluster.setEndpoints("ns/itp", ready("node1"));

            assertThat(texts(source.routes(NODE, ALL))).containsExactly("10.96.1.1/32 ServiceClusterIP ns/itp");
        }

        @Test
        void clusterIpWithheldWithoutALocalEndpoint() {
            cluster.put(svc("ns", "itp").cluster("10.96.1.1").itpLocal().build());
            cluster.setEndpoints("ns/itp", ready("node2"));

            assertThat(source.routes(NODE, ALL)).isEmpty();
            assertThat(texts(source.routes(OTHER, ALL))).containsExactly("10.96.1.1/32 ServiceClusterIP ns/itp");
        }

        @Test
        void doesNotRestrictExternalIps() {
            cluster.put(svc("ns", "itp").cluster("10.96.1.1").external("192.0.2.1").itpLocal().build());

            assertThat(texts(source.routes(NODE, ALL))).containsExactly("192.0.2.1/32 ServiceExternalIP ns/itp");
        }
    }

    @Nested
    class ExternalTrafficPolicyLocal {
        @Test
        void externalAndLoadBalancerIpsAdvertisedWithALocalEndpoint() {
            cluster.put(svc("ns", "etp").type("LoadBalancer").cluster("10.96.2.1").external("192.0.2.2")
                    .lb("198.51.100.2").etpLocal().build());
            cluster.setEndpoints("ns/etp", ready("node1"));

            assertThat(texts(source.routes(NODE, ALL))).containsExactly("10.96.2.1/32 ServiceClusterIP ns/etp",
                    "192.0.2.2/32 ServiceExternalIP ns/etp", "198.51.100.2/32 ServiceLoadBalancerIP ns/etp");
        }

        @Test
        void externalAndLoadBalancerIpsWithheldWithoutALocalEndpoint() {
            cluster.put(svc("ns", "etp").type("LoadBalancer").cluster("10.96.2.1").external("192.0.2.2")
                    .lb("198.51.100.2").etpLocal().build());
            cluster.setEndpoints("ns/etp", ready("node2"));

            // the ClusterIP follows internalTrafficPolicy, not externalTrafficPolicy
            assertThat(texts(source.routes(NODE, ALL))).containsExactly("10.96.2.1/32 ServiceClusterIP ns/etp");
        }

        @Test
        void clusterIpServiceWithExternalIpsFollowsItsEndpointSlices() {
            // docs/bgp-policy.md, Behaviour §8: upstream missed EndpointSlice changes for a ClusterIP Service with
            // externalIPs
            cluster.put(svc("ns", "ext").external("192.0.2.3").etpLocal().build());
            assertThat(source.routes(NODE, ALL)).isEmpty();

            cluster.setEndpoints("ns/ext", ready("node1"));
            assertThat(reports).containsExactly(Set.of("ns/ext"), Set.of("ns/ext"));
            assertThat(texts(source.routes(NODE, ALL))).containsExactly("192.0.2.3/32 ServiceExternalIP ns/ext");

            cluster.setEndpoints("ns/ext");
            assertThat(source.routes(NODE, ALL)).isEmpty();
        }
    }

    @Nested
    class EndpointReadiness {
        private void localPolicyServiceWith(EndpointInfo endpoint) {
            cluster.put(svc("ns", "s").cluster("10.96.3.1").itpLocal().build());
            cluster.setEndpoints("ns/s", endpoint);
        }

        @Test
        void readyEndpointCounts() {
            localPolicyServiceWith(ready("node1"));
            assertThat(source.routes(NODE, ALL)).hasSize(1);
        }

        @Test
        void notReadyEndpointDoesNotCount() {
            localPolicyServiceWith(endpoint("node1", false, false, false));
            assertThat(source.routes(NODE, ALL)).isEmpty();
        }

        @Test
        void servingWhileTerminatingCounts() {
            localPolicyServiceWith(endpoint("node1", false, true, true));
            assertThat(source.routes(NODE, ALL)).hasSize(1);
        }

        @Test
        void terminatingAndNotServingDoesNotCount() {
            localPolicyServiceWith(endpoint("node1", false, false, true));
            assertThat(source.routes(NODE, ALL)).isEmpty();
        }

        @Test
        void endpointOnAnotherNodeDoesNotCount() {
            localPolicyServiceWith(ready("node2"));
            assertThat(source.routes(NODE, ALL)).isEmpty();
        }

        @Test
        void endpointWithoutANodeDoesNotCount() {
            localPolicyServiceWith(new EndpointInfo(Optional.empty(), true, true, false));
            assertThat(source.routes(NODE, ALL)).isEmpty();
        }

        @Test
        void oneUsableEndpointAmongOthersIsEnough() {
            cluster.put(svc("ns", "s").cluster("10.96.3.1").itpLocal().build());
            cluster.setEndpoints("ns/s", endpoint("node1", false, false, true), ready("node2"), ready("node1"));
            assertThat(source.routes(NODE, ALL)).hasSize(1);
        }
    }

    @Nested
    class Incremental {
        @Test
        void aServiceChangeReportsExactlyItsOwner() {
            cluster.put(svc("ns", "a").cluster("10.96.4.1").build());
            cluster.put(svc("ns", "b").cluster("10.96.4.2").build());
            reports.clear();

            cluster.put(svc("ns", "a").cluster("10.96.4.1").external("192.0.2.4").build());

            assertThat(reports).containsExactly(Set.of("ns/a"));
            assertThat(texts(source.routes(NODE, ALL, Set.of("ns/a"))))
                    .containsExactly("10.96.4.1/32 ServiceClusterIP ns/a", "192.0.2.4/32 ServiceExternalIP ns/a");
        }

        @Test
        void aChangeReadsOnlyTheChangedService() {
            for (int i = 0; i < 100; i++) {
                cluster.put(svc("ns", "s" + i).cluster("10.96.5." + i).build());
            }
            int lists = cluster.listReads();
            int reads = cluster.serviceReads();

            cluster.put(svc("ns", "s7").cluster("10.96.6.7").build());

            assertThat(cluster.listReads()).isEqualTo(lists);
            assertThat(cluster.serviceReads()).isEqualTo(reads + 1);
            assertThat(texts(source.routes(NODE, ALL, List.of("ns/s7"))))
                    .containsExactly("10.96.6.7/32 ServiceClusterIP ns/s7");
        }

        @Test
        void aDeletedServiceIsReportedAndHasNoRoutes() {
            cluster.put(svc("ns", "gone").cluster("10.96.4.3").build());
            reports.clear();

            cluster.deleteService("ns/gone");

            assertThat(reports).containsExactly(Set.of("ns/gone"));
            assertThat(source.routes(NODE, ALL, List.of("ns/gone"))).isEmpty();
            assertThat(source.routes(NODE, ALL)).isEmpty();
        }

        @Test
        void anUpdateThatChangesNoRouteIsNotReported() {
            cluster.put(svc("ns", "a").cluster("10.96.4.1").build());
            reports.clear();

            cluster.put(svc("ns", "a").cluster("10.96.4.1").build());
            // a Local policy with no IP to restrict changes nothing either
            cluster.put(svc("ns", "a").cluster("10.96.4.1").etpLocal().build());
            cluster.fire(InMemoryClusterState.Kind.SERVICE, "ns/unknown");

            assertThat(reports).isEmpty();
        }

        @Test
        void endpointSliceChangeOfANonLocalServiceReportsNothingAndReadsNothing() {
            cluster.put(svc("ns", "cluster").cluster("10.96.4.4").external("192.0.2.44").build());
            reports.clear();
            int reads = cluster.endpointReads();

            cluster.setEndpoints("ns/cluster", ready("node1"));
            cluster.setEndpoints("ns/cluster");

            assertThat(reports).isEmpty();
            assertThat(cluster.endpointReads()).isEqualTo(reads);
        }

        @Test
        void endpointSliceChangeOfALocalServiceIsReportedOnlyWhenItsNodesChange() {
            cluster.put(svc("ns", "local").cluster("10.96.4.5").itpLocal().build());
            cluster.setEndpoints("ns/local", ready("node2"));
            reports.clear();

            cluster.setEndpoints("ns/local", ready("node2"), ready("node2")); // another Pod on the same Node
            assertThat(reports).isEmpty();

            cluster.setEndpoints("ns/local", ready("node2"), ready("node1"));
            assertThat(reports).containsExactly(Set.of("ns/local"));
            assertThat(texts(source.routes(NODE, ALL, Set.of("ns/local"))))
                    .containsExactly("10.96.4.5/32 ServiceClusterIP ns/local");
        }

        @Test
        void endpointsBeforeTheirServiceAreReadWhenTheServiceComes() {
            cluster.setEndpoints("ns/late", ready("node1"));
            assertThat(reports).isEmpty();

            cluster.put(svc("ns", "late").cluster("10.96.4.6").itpLocal().build());

            assertThat(reports).containsExactly(Set.of("ns/late"));
            assertThat(source.routes(NODE, ALL)).hasSize(1);
        }

        @Test
        void ownersQueryReturnsOnlyThoseOwnersAndIgnoresUnknownOnes() {
            cluster.put(svc("ns", "a").cluster("10.96.4.1").build());
            cluster.put(svc("ns", "b").cluster("10.96.4.2").build());

            assertThat(texts(source.routes(NODE, ALL, List.of("ns/b", "ns/nope"))))
                    .containsExactly("10.96.4.2/32 ServiceClusterIP ns/b");
            assertThat(source.routes(NODE, ALL, List.of())).isEmpty();
        }

        @Test
        void eventsOfOtherKindsAreIgnored() {
            cluster.put(svc("ns", "a").cluster("10.96.4.1").build());
            reports.clear();

            cluster.fire(InMemoryClusterState.Kind.NODE, "node1");
            cluster.fire(InMemoryClusterState.Kind.EGRESS, "ns/a");

            assertThat(reports).isEmpty();
        }

        @Test
        void oneEventForManyServicesIsOneReportOfThoseThatChanged() {
            cluster.put(svc("ns", "a").cluster("10.96.4.1").build());
            cluster.put(svc("ns", "b").cluster("10.96.4.2").build());
            cluster.put(svc("ns", "c").cluster("10.96.4.3").build());
            reports.clear();

            cluster.putQuietly(svc("ns", "a").cluster("10.96.4.11").build());
            cluster.putQuietly(svc("ns", "b").cluster("10.96.4.12").build());
            cluster.fire(InMemoryClusterState.Kind.SERVICE, "ns/a", "ns/b", "ns/c");

            assertThat(reports).containsExactly(Set.of("ns/a", "ns/b"));
        }
    }

    @Nested
    class Lifecycle {
        @Test
        void servicesPresentAtConstructionAreIndexed() {
            InMemoryClusterState existing = new InMemoryClusterState();
            existing.put(svc("ns", "early").itpLocal().cluster("10.96.7.1").build());
            existing.setEndpoints("ns/early", ready("node1"));

            try (ServiceRouteSource fresh = new ServiceRouteSource(existing)) {
                assertThat(texts(fresh.routes(NODE, ALL))).containsExactly("10.96.7.1/32 ServiceClusterIP ns/early");
                assertThat(fresh.types()).containsExactlyInAnyOrder(RouteType.SERVICE_CLUSTER_IP,
                        RouteType.SERVICE_EXTERNAL_IP, RouteType.SERVICE_LOAD_BALANCER_IP);
            }
        }

        @Test
        void closingAListenerRegistrationStopsItsReports() {
            List<Set<String>> second = new ArrayList<>();
            Registration r = source.addListener((s, owners) -> second.add(owners));
            r.close();
            r.close(); // harmless twice

            cluster.put(svc("ns", "a").cluster("10.96.4.1").build());

            assertThat(second).isEmpty();
            assertThat(reports).hasSize(1);
        }

        @Test
        void aFailingListenerDoesNotStopTheOthers() {
            InMemoryClusterState c = new InMemoryClusterState();
            try (ServiceRouteSource s = new ServiceRouteSource(c)) {
                List<Set<String>> told = new ArrayList<>();
                s.addListener((src, owners) -> {
                    throw new IllegalStateException("boom");
                });
                s.addListener((src, owners) -> told.add(owners));

                c.put(svc("ns", "a").cluster("10.96.4.1").build());

                assertThat(told).containsExactly(Set.of("ns/a"));
            }
        }

        @Test
        void closeStopsFollowingTheCluster() {
            source.close();

            assertThat(cluster.listenerCount()).isZero();
        }
    }

    // ---- helpers

    static NodeInfo node(String name) {
        return new NodeInfo(name, Map.of(), Map.of(), List.of(ip("192.168.0.1")), List.of());
    }

    static Advertisements ads(ServiceIPType... types) {
        return new Advertisements(Set.of(types), false, false);
    }

    static IPAddress ip(String text) {
        return new IPAddressString(text).getAddress(); // as written, prefix length and all
    }

    static EndpointInfo ready(String node) {
        return endpoint(node, true, true, false);
    }

    static EndpointInfo endpoint(String node, boolean ready, boolean serving, boolean terminating) {
        return new EndpointInfo(Optional.of(node), ready, serving, terminating);
    }

    /** Routes as sorted text lines, e.g. {@code 10.96.0.10/32 ServiceClusterIP ns/web}. */
    static List<String> texts(Collection<Route> routes) {
        return routes.stream().sorted(Route.ORDER).map(Route::toString).toList();
    }

    static Svc svc(String namespace, String name) {
        return new Svc(namespace, name);
    }

    /** A ServiceInfo builder: type ClusterIP, no IPs, Cluster traffic policies unless told. */
    static final class Svc {
        private final String namespace;
        private final String name;
        private String type = "ClusterIP";
        private List<IPAddress> cluster = List.of();
        private List<IPAddress> external = List.of();
        private List<IPAddress> lb = List.of();
        private boolean etpLocal;
        private boolean itpLocal;

        Svc(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
        }

        Svc type(String t) {
            type = t;
            return this;
        }

        Svc cluster(String... ips) {
            cluster = ips(ips);
            return this;
        }

        Svc external(String... ips) {
            external = ips(ips);
            return this;
        }

        Svc lb(String... ips) {
            lb = ips(ips);
            return this;
        }

        Svc etpLocal() {
            etpLocal = true;
            return this;
        }

        Svc itpLocal() {
            itpLocal = true;
            return this;
        }

        ServiceInfo build() {
            return new ServiceInfo(namespace, name, type, cluster, external, lb, etpLocal, itpLocal);
        }

        private static List<IPAddress> ips(String... texts) {
            return Arrays.stream(texts).map(ServiceRouteSourceTest::ip).toList();
        }
    }
}
