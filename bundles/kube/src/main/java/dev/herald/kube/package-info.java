/**
 * Herald's view of the Kubernetes cluster: fabric8 informers behind {@link dev.herald.api.spi.ClusterState}, the
 * writer of the router-ID annotation and Events behind {@link dev.herald.api.spi.ClusterWriter}, and the parser of
 * BGPPolicy objects. Private to this bundle.
 */
package dev.herald.kube;
