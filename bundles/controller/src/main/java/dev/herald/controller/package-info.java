/**
 * The BGPPolicy controller: {@link dev.herald.controller.Controller} runs it (the reconcile loop, its timers and its
 * listeners) for the OSGi component and the simulator alike; {@link dev.herald.controller.BgpPolicyReconciler}
 * decides what this node runs and applies the difference through its parts: the server slot, the peers, the route
 * table, the grace period of a missing source and the status conditions. Plain Java over herald-api; private to
 * this bundle.
 */
package dev.herald.controller;
