package dev.herald.it.tck;

import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.backend.nativebgp.NativeBgpServer;
import dev.herald.backend.nativebgp.NativeBgpServerFactory;

/** The conformance suite on the native backend: Herald's own BGP speaker, in this JVM. */
class NativeBackendConformanceTest extends BgpServerConformanceTest {
    @Override
    protected BgpServerFactory factory() {
        return new NativeBgpServerFactory();
    }

    /** TCP-MD5 needs the epoll transport (Linux, with its native library); Java NIO cannot set the key. */
    @Override
    protected boolean supportsPassword(BgpServer server) {
        return ((NativeBgpServer) server).transportName().equals("epoll");
    }
}
