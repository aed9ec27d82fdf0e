/**
 * What code around gobgpd shares: {@link dev.herald.support.gobgp.GobgpdBinary}, where the binary is. Embedded
 * privately by the goBGP backend (bnd {@code -conditionalpackage}), on the class path of tests.
 */
package dev.herald.support.gobgp;
