package dev.herald.bgp.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void withoutJitterTheWaitDoublesUpToItsBound() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), false);
        assertThat(b.delayMillis(0, 0.3)).isEqualTo(1000);
        assertThat(b.delayMillis(1, 0.3)).isEqualTo(2000);
        assertThat(b.delayMillis(4, 0.3)).isEqualTo(16_000);
        assertThat(b.delayMillis(5, 0.3)).isEqualTo(30_000);
        assertThat(b.delayMillis(Integer.MAX_VALUE, 0.3)).isEqualTo(30_000);
    }

    @Test
    void theConnectRetryIsJitteredBetweenThreeQuartersAndAll() {
        assertThat(Backoff.CONNECT_RETRY.delayMillis(0, 0.0)).isEqualTo(3750);
        assertThat(Backoff.CONNECT_RETRY.delayMillis(2, 0.0)).isEqualTo(15_000);
        assertThat(Backoff.CONNECT_RETRY.delayMillis(100, 0.999)).isBetween(119_000L, 120_000L);
    }
}
