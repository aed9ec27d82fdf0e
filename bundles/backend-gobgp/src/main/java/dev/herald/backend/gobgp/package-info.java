/**
 * The goBGP backend: a {@link dev.herald.api.spi.BgpServer} that drives {@code gobgpd} over its gRPC API, starting
 * and supervising the daemon or attaching to a running one. Private to this bundle, like the grpc-java it embeds; it
 * is found through its {@link dev.herald.api.spi.BgpServerFactory} service ({@code herald.backend=gobgp}).
 */
package dev.herald.backend.gobgp;
