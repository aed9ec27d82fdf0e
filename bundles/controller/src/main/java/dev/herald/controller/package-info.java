/**
 * The BGPPolicy controller: {@link dev.herald.controller.BgpPolicyReconciler} decides what this node runs and applies
 * the difference to the BGP server; {@link dev.herald.controller.ReconcileLoop} runs it on change with back-off.
 * Plain Java over herald-api; private to this bundle.
 */
package dev.herald.controller;
