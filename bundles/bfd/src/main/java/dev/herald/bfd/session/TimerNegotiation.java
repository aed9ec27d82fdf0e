package dev.herald.bfd.session;

/**
 * The intervals one session's timers use while they are negotiated (RFC 5880 §6.8.3) by a Poll Sequence (§6.5).
 * While the session is not Up, new intervals apply at once and count as confirmed. While Up, intervals that differ
 * from the confirmed ones start a Poll, and until the peer's Final confirms them only a shorter TX and a longer RX
 * interval are used: the transmit interval lags an increase, the detection time lags a decrease.
 */
final class TimerNegotiation {
    /** The Desired Min TX the transmit interval uses: it lags an increase until the Poll that announces it ends. */
    private long txBasisMicros;
    /** The Required Min RX the detection time uses: it lags a decrease until the Poll that announces it ends. */
    private long rxBasisMicros;
    /** The intervals the peer has confirmed by a Final, or that applied without one while the session was not Up. */
    private long confirmedTxMicros;
    private long confirmedRxMicros;
    private boolean polling;
    /** The intervals the running Poll announces (valid while {@link #polling}). */
    private long pollTxMicros;
    private long pollRxMicros;

    /**
     * Brings the bases to the intervals the session advertises now.
     *
     * @param tx the Desired Min TX advertised
     * @param rx the Required Min RX advertised
     * @param up whether the session is Up
     * @return whether a Poll started, whose first packet the session must send
     */
    boolean advertise(long tx, long rx, boolean up) {
        if (!up) {
            confirmedTxMicros = tx;
            confirmedRxMicros = rx;
        }
        txBasisMicros = Math.min(confirmedTxMicros, tx);
        rxBasisMicros = Math.max(confirmedRxMicros, rx);
        if (up && !polling && (tx != confirmedTxMicros || rx != confirmedRxMicros)) {
            polling = true;
            pollTxMicros = tx;
            pollRxMicros = rx;
            return true;
        }
        return false;
    }

    /** The peer's Final confirms what the Poll announced; the session then advertises again (a change made meanwhile
     *  starts the next Poll). */
    void confirm() {
        polling = false;
        confirmedTxMicros = pollTxMicros;
        confirmedRxMicros = pollRxMicros;
    }

    /** Ends the Poll without confirmation: a Poll is about the timers of an Up session. */
    void abandonPoll() {
        polling = false;
    }

    boolean polling() {
        return polling;
    }

    long txBasisMicros() {
        return txBasisMicros;
    }

    long rxBasisMicros() {
        return rxBasisMicros;
    }
}
