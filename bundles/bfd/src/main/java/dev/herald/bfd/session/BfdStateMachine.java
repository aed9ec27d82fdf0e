package dev.herald.bfd.session;

import dev.herald.bfd.packet.BfdControlPacket;
import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.packet.Diagnostic;
import dev.herald.bfd.packet.DiscardReason;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One BFD session in Asynchronous mode (RFC 5880 §6.8), active role, without Echo function or authentication.
 * Everything runs on the scheduler's thread: {@link #receive}, the timers and the listener calls; callers on other
 * threads must hand their calls to that thread.
 *
 * <p>Timers (§6.8.2-6.8.4, §6.8.7): the transmit interval is max(bfd.DesiredMinTxInterval,
 * bfd.RemoteMinRxInterval), reduced by jitter; the detection time is the peer's Detect Mult times
 * max(bfd.RequiredMinRxInterval, the peer's Desired Min TX). While the session is not Up, the Desired Min TX we
 * advertise and use is at least 1 s (§6.8.3). A change of either interval while Up starts a Poll Sequence (§6.5); an
 * increased TX interval and a reduced RX interval take effect only when the peer's Final confirms them
 * ({@link TimerNegotiation}).
 *
 * <p>Packets are sent at once (besides the periodic ones) when the state changes, when a Poll starts, and in answer
 * to a Poll (§6.8.7 lets the Final go "without respect to the transmission timer").
 */
@ProviderType
public final class BfdStateMachine {
    /** §6.8.3: the slowest Desired Min TX a session that is not Up may advertise is at least this. */
    static final long SLOW_TX_MICROS = 1_000_000;
    /** A detection check this late means the thread did not run (a GC pause, no CPU), not that packets stopped. */
    static final long STALL_NANOS = 10_000_000;

    private final long localDiscriminator;
    private final BfdScheduler scheduler;
    private final PacketSender sender;
    private final BfdStateListener listener;
    private final Jitter jitter;

    private BfdParameters parameters;
    // RFC 5880 §6.8.1 state variables
    private BfdState state = BfdState.DOWN;
    private BfdState remoteState = BfdState.DOWN;
    private long remoteDiscriminator;
    private Diagnostic localDiagnostic = Diagnostic.NONE;
    private long remoteMinRxMicros = 1;
    private boolean remoteDemand;
    // from the last packet received
    private long remoteDesiredMinTxMicros;
    private int remoteDetectMult;

    private final TimerNegotiation timers = new TimerNegotiation();

    private boolean running;
    private BfdScheduler.Cancellable txTimer;
    private BfdScheduler.Cancellable detectTimer;
    /** When detection time runs out, by {@link BfdScheduler#nanoTime()}; meaningful while {@link #detecting}. */
    private long detectDeadline;
    private boolean detecting;
    /** When the pending detection timer fires. */
    private long detectTimerDue;
    /** Whether the detection time ran out during a stall and is looked at once more after the input is read. */
    private boolean recheckAfterStall;

    /**
     * @param localDiscriminator bfd.LocalDiscr, non-zero and unique among the system's sessions
     * @param random the source of transmit jitter
     */
    public BfdStateMachine(long localDiscriminator, BfdParameters parameters, BfdScheduler scheduler,
                           PacketSender sender, BfdStateListener listener, RandomGenerator random) {
        if (localDiscriminator <= 0 || localDiscriminator > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("local discriminator " + localDiscriminator + " is not in 1-2^32-1");
        }
        this.localDiscriminator = localDiscriminator;
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.jitter = new Jitter(Objects.requireNonNull(random, "random"));
        intervalsChanged();
    }

    /** Starts the session in Down: sends its first packet now, then periodically. */
    public void start() {
        if (running) {
            return;
        }
        running = true;
        transmitNow(false);
        scheduleTransmit();
    }

    /**
     * Takes the session administratively down (§6.8.16): state AdminDown with diagnostic 7, no detection, and
     * one AdminDown packet sent at once; periodic AdminDown packets continue until {@link #halt()}. Received
     * packets are discarded from now on.
     */
    public void adminDown() {
        if (state == BfdState.ADMIN_DOWN) {
            return;
        }
        localDiagnostic = Diagnostic.ADMINISTRATIVELY_DOWN;
        timers.abandonPoll();
        stopDetection();
        changeState(BfdState.ADMIN_DOWN);
        if (running) {
            transmitNow(false);
            scheduleTransmit();
        }
    }

    /** Stops every timer: nothing is sent any more. */
    public void halt() {
        running = false;
        cancel(txTimer);
        txTimer = null;
        stopDetection();
    }

    /**
     * New local parameters (§6.8.3): applied at once while the session is not Up; while Up a change of either
     * interval starts a Poll Sequence, and an increase of the TX or a decrease of the RX interval waits for it.
     */
    public void update(BfdParameters next) {
        Objects.requireNonNull(next, "parameters");
        if (next.multihop() != parameters.multihop()) {
            throw new IllegalArgumentException("a session cannot change between single hop and multihop");
        }
        long intervalBefore = transmitIntervalNanos();
        parameters = next;
        intervalsChanged();
        transmitSoonerIfShorter(intervalBefore);
    }

    /**
     * Processes a packet the transport selected for this session (§6.8.6, from "set bfd.RemoteDiscr" on).
     *
     * @return null if the packet was accepted, else why it was discarded
     */
    public DiscardReason receive(BfdControlPacket p) {
        long intervalBefore = transmitIntervalNanos();
        remoteDiscriminator = p.myDiscriminator();
        remoteState = p.state();
        remoteDemand = p.demand();
        remoteMinRxMicros = p.requiredMinRxMicros();
        remoteDesiredMinTxMicros = p.desiredMinTxMicros();
        remoteDetectMult = p.detectMult();
        if (timers.polling() && p.fin()) {
            finishPoll();
        }
        if (state == BfdState.ADMIN_DOWN) {
            return DiscardReason.SESSION_ADMIN_DOWN;
        }
        BfdState before = state;
        if (p.state() == BfdState.ADMIN_DOWN) {
            if (state != BfdState.DOWN) {
                localDiagnostic = Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN;
                changeState(BfdState.DOWN, true);
            }
        } else if (state == BfdState.DOWN) {
            if (p.state() == BfdState.DOWN) {
                changeState(BfdState.INIT);
            } else if (p.state() == BfdState.INIT) {
                changeState(BfdState.UP);
            }
        } else if (state == BfdState.INIT) {
            if (p.state() == BfdState.INIT || p.state() == BfdState.UP) {
                changeState(BfdState.UP);
            }
        } else if (p.state() == BfdState.DOWN) { // Up
            localDiagnostic = Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN;
            changeState(BfdState.DOWN);
        }
        restartDetection();
        if (!running) {
            return null;
        }
        if (state != before || p.poll()) {
            transmitNow(p.poll()); // the new state, or the Final the peer asks for, goes at once
        }
        if (state != before) {
            scheduleTransmit();
        } else {
            // the peer's Required Min RX may have dropped (a Poll of its own): the next packet must not wait for
            // the timer set at the old rate
            transmitSoonerIfShorter(intervalBefore);
        }
        return null;
    }

    private void changeState(BfdState next) {
        changeState(next, false);
    }

    private void changeState(BfdState next, boolean remoteAdminDown) {
        BfdState before = state;
        state = next;
        if (next == BfdState.UP) {
            localDiagnostic = Diagnostic.NONE;
        }
        if (before == BfdState.UP) {
            timers.abandonPoll();
        }
        intervalsChanged();
        listener.stateChanged(new StateChange(before, next, localDiagnostic, remoteAdminDown));
    }

    /** The parameters or the state changed: the timers follow (§6.8.3), maybe by a Poll that starts now. */
    private void intervalsChanged() {
        if (timers.advertise(advertisedTxMicros(), parameters.requiredMinRxMicros(), state == BfdState.UP)
                && running) {
            transmitNow(false);
        }
    }

    /** The peer's Final confirms what the Poll announced; a change made meanwhile starts the next Poll. */
    private void finishPoll() {
        timers.confirm();
        intervalsChanged();
    }

    private long advertisedTxMicros() {
        long tx = parameters.desiredMinTxMicros();
        return state == BfdState.UP ? tx : Math.max(tx, SLOW_TX_MICROS);
    }

    // --- transmission (§6.8.7)

    private void transmitNow(boolean fin) {
        // P and F are never set together: a Final goes without P even while our own Poll runs
        boolean poll = timers.polling() && !fin;
        sender.send(BfdControlPacket.of(localDiagnostic, state, poll, fin, parameters.detectMultiplier(),
                localDiscriminator, remoteDiscriminator, advertisedTxMicros(), parameters.requiredMinRxMicros()));
    }

    /** Sends the packet the session would send now, outside the periodic schedule (for a farewell AdminDown). */
    public void transmitOnce() {
        transmitNow(false);
    }

    private void scheduleTransmit() {
        cancel(txTimer);
        txTimer = null;
        long interval = transmitIntervalNanos();
        if (!running || interval == 0) {
            return; // the peer wants no periodic packets (Required Min RX 0)
        }
        long now = scheduler.nanoTime();
        txTimer = scheduler.scheduleAt(now + jitter.delay(now, interval, parameters.detectMultiplier(),
                scheduler.gridNanos()), this::periodicTransmit);
    }

    private void periodicTransmit() {
        txTimer = null;
        if (!running) {
            return;
        }
        boolean demandQuiet = remoteDemand && state == BfdState.UP && remoteState == BfdState.UP && !timers.polling();
        if (!demandQuiet) {
            transmitNow(false);
        }
        scheduleTransmit();
    }

    /** When the interval got shorter, the next packet must not wait for the old, longer one. */
    private void transmitSoonerIfShorter(long intervalBefore) {
        long now = transmitIntervalNanos();
        if (running && (now != 0 && (intervalBefore == 0 || now < intervalBefore))) {
            scheduleTransmit();
        }
    }

    /** The unjittered transmit interval in nanoseconds, 0 when no periodic packets may be sent. */
    public long transmitIntervalNanos() {
        if (remoteMinRxMicros == 0) {
            return 0;
        }
        return Math.max(timers.txBasisMicros(), remoteMinRxMicros) * 1000;
    }

    // --- detection (§6.8.4)

    /** The detection time in nanoseconds, 0 before a packet was received. */
    public long detectionTimeNanos() {
        if (remoteDetectMult == 0) {
            return 0;
        }
        return remoteDetectMult * Math.max(timers.rxBasisMicros(), remoteDesiredMinTxMicros) * 1000;
    }

    private void restartDetection() {
        if (!running || state == BfdState.ADMIN_DOWN) {
            return;
        }
        long now = scheduler.nanoTime();
        detectDeadline = now + detectionTimeNanos();
        detecting = true;
        recheckAfterStall = false;
        // the timer is left alone while it fires no later than the deadline (it then sleeps again until it); a
        // detection time that got shorter needs an earlier one
        long due = checkTime(detectDeadline);
        if (detectTimer == null || detectTimerDue > due) {
            cancel(detectTimer);
            detectTimerDue = due;
            detectTimer = scheduler.scheduleAt(due, this::detectionCheck);
        }
    }

    /**
     * When to look whether detection time ran out: the deadline, or the first point of the scheduler's grid after it
     * (a few milliseconds later at most), where the transmit timers of the endpoint's sessions also fall.
     */
    private long checkTime(long deadline) {
        long grid = scheduler.gridNanos();
        return grid > 0 ? Jitter.ceil(deadline, grid) : deadline;
    }

    /** The timer is not moved on every packet: when it fires before the deadline it sleeps again until it. */
    private void detectionCheck() {
        detectTimer = null;
        if (!detecting) {
            return;
        }
        long now = scheduler.nanoTime();
        if (detectDeadline - now > 0) {
            detectTimerDue = checkTime(detectDeadline);
            detectTimer = scheduler.scheduleAt(detectTimerDue, this::detectionCheck);
            return;
        }
        if (!recheckAfterStall && now - detectTimerDue > STALL_NANOS) {
            // packets the peer sent during the stall wait in the socket: a timer scheduled now runs after the event
            // loop has read them (docs/bfd.md, "Stalls and garbage collection")
            recheckAfterStall = true;
            detectTimerDue = now;
            detectTimer = scheduler.schedule(0, this::detectionCheck);
            return;
        }
        recheckAfterStall = false;
        detecting = false;
        remoteDiscriminator = 0;
        remoteState = BfdState.DOWN;
        remoteMinRxMicros = 1;
        remoteDemand = false;
        if (state == BfdState.INIT || state == BfdState.UP) {
            localDiagnostic = Diagnostic.CONTROL_DETECTION_TIME_EXPIRED;
            changeState(BfdState.DOWN);
            if (running) {
                transmitNow(false);
                scheduleTransmit();
            }
        }
    }

    private void stopDetection() {
        detecting = false;
        cancel(detectTimer);
        detectTimer = null;
    }

    private static void cancel(BfdScheduler.Cancellable c) {
        if (c != null) {
            c.cancel();
        }
    }

    // --- what the session shows

    public BfdState state() {
        return state;
    }

    public BfdState remoteState() {
        return remoteState;
    }

    public Diagnostic localDiagnostic() {
        return localDiagnostic;
    }

    public long localDiscriminator() {
        return localDiscriminator;
    }

    /** bfd.RemoteDiscr: 0 until the peer was heard, and again after a detection time without packets. */
    public long remoteDiscriminator() {
        return remoteDiscriminator;
    }

    public BfdParameters parameters() {
        return parameters;
    }

    /** Whether a Poll Sequence is running. */
    public boolean polling() {
        return timers.polling();
    }
}
