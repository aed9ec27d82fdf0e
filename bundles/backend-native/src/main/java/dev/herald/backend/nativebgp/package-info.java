/**
 * The native backend: a {@link dev.herald.api.spi.BgpServer} built on the bgp-protocol bundle, with an Adj-RIB-Out
 * per peer and UPDATE packing. Private to this bundle; it is found through its
 * {@link dev.herald.api.spi.BgpServerFactory} service ({@code herald.backend=native}).
 */
package dev.herald.backend.nativebgp;
