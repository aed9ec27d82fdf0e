package dev.herald.bfd.transport;

import dev.herald.bfd.session.BfdParameters;
import io.netty.channel.epoll.Epoll;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/** Tests of two Herald endpoints over loopback with real sockets: {@code a} and {@code b}, closed after each test. */
@Timeout(60)
abstract class TwoEndpoints {
    static final BfdParameters FAST = BfdParameters.singleHop(Duration.ofMillis(50), Duration.ofMillis(50), 3);
    static final Duration HANDSHAKE = Duration.ofSeconds(10);

    BfdSessions a;
    BfdSessions b;

    @BeforeEach
    void epollOnly() {
        Assumptions.assumeTrue(Epoll.isAvailable(), "native epoll not available");
    }

    @AfterEach
    void closeEndpoints() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }
}
