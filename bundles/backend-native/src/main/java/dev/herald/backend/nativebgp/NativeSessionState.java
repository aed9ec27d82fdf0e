package dev.herald.backend.nativebgp;

import dev.herald.api.SessionState;
import dev.herald.bgp.session.FsmState;

/** The protocol kit's session states in the api's terms: the one place the two meet. */
final class NativeSessionState {
    private NativeSessionState() {
    }

    static SessionState of(FsmState s) {
        return switch (s) {
            case IDLE -> SessionState.IDLE;
            case CONNECT -> SessionState.CONNECT;
            case ACTIVE -> SessionState.ACTIVE;
            case OPEN_SENT -> SessionState.OPEN_SENT;
            case OPEN_CONFIRM -> SessionState.OPEN_CONFIRM;
            case ESTABLISHED -> SessionState.ESTABLISHED;
        };
    }
}
