/**
 * What operators see of a running agent: the local status API on {@code status.address} from
 * {@code etc/herald.cfg} (health, readiness, bundles, DS components; later issues add the BGP views) and the OSGi
 * log relayed into the agent's log. Private to this bundle.
 */
package dev.herald.ops;
