package dev.herald.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The steps of a reconcile pass, as a failed pass names the one it failed at: the reason of the node's condition in
 * its BGPPolicy's status (docs/bgp-policy.md, Behaviour §7) and the {@code reason} label of
 * {@code herald_reconcile_errors_total} (docs/metrics.md). The controller names them; the metrics bundle starts a
 * series for each.
 *
 * @since 1.3
 */
@ProviderType
public enum ReconcileStep {
    /** Before any of the steps below, or between them. */
    RECONCILE("ReconcileFailed"),
    /** The Node has no address and no Pod CIDR: no family to run peers or routes in. */
    NODE_ADDRESSES("NodeAddressesMissing"),
    /** The router ID: from the Node's annotation, else its IPv4 address, else a hash of its name. */
    ROUTER_ID("InvalidRouterID"),
    /** Starting, restarting or swapping the BGP server. */
    BGP_SERVER("BgpServerFailed"),
    /** Adding, updating or removing peers. */
    BGP_PEERS("BgpPeerFailed"),
    /** Advertising or withdrawing routes. */
    ROUTES("RoutesFailed");

    private final String reason;

    ReconcileStep(String reason) {
        this.reason = reason;
    }

    /** The CamelCase reason a failure at this step is reported with, for example {@code BgpServerFailed}. */
    public String reason() {
        return reason;
    }
}
