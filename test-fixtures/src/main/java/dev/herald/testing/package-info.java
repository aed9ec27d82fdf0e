/**
 * What the tests of several modules share: the fuzz targets' time and allocation bounds (docs/robustness.md), an
 * in-memory cluster state, hex text of wire bytes and a TCP proxy that cuts connections (which the simulator's API
 * outage uses too). A plain jar, never a bundle.
 */
package dev.herald.testing;
