package dev.herald.bgp.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bgp.message.KeepaliveMessage;
import dev.herald.bgp.message.NotificationMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionCountersTest {
    private final SessionCounters c = new SessionCounters();

    @Test
    void messagesByTypeAndNotificationsByCodeInEachDirection() {
        c.sent(KeepaliveMessage.INSTANCE);
        c.sent(KeepaliveMessage.INSTANCE);
        c.sent(new NotificationMessage(NotificationMessage.CEASE, 2));
        c.received(new NotificationMessage(NotificationMessage.HOLD_TIMER_EXPIRED, 0));
        c.established();

        assertThat(c.sent(4)).isEqualTo(2);
        assertThat(c.sent(3)).isEqualTo(1);
        assertThat(c.received(3)).isEqualTo(1);
        assertThat(c.received(4)).isZero();
        assertThat(c.sentTotal()).isEqualTo(3);
        assertThat(c.receivedTotal()).isEqualTo(1);
        assertThat(c.notificationsSent()).isEqualTo(Map.of(SessionCounters.key(6, 2), 1L));
        assertThat(c.notificationsReceived()).isEqualTo(Map.of(SessionCounters.key(4, 0), 1L));
        assertThat(c.establishedTransitions()).isEqualTo(1);
    }

    @Test
    void codesAPeerMakesUpBeyondTheLimitCountAsOther() {
        for (int i = 0; i < SessionCounters.MAX_CODES + 10; i++) {
            c.received(new NotificationMessage(200, i));
        }
        c.received(new NotificationMessage(200, 0)); // a code already kept apart still counts under its own key

        Map<Integer, Long> got = c.notificationsReceived();
        assertThat(got).hasSize(SessionCounters.MAX_CODES + 1);
        assertThat(got.get(SessionCounters.OTHER)).isEqualTo(10);
        assertThat(got.get(SessionCounters.key(200, 0))).isEqualTo(2);
    }
}
