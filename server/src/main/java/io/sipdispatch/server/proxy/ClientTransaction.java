package io.sipdispatch.server.proxy;

/**
 * A client transaction (RFC 3261 §17.1) as a state machine with no I/O: the INVITE kind of §17.1.1
 * (Figure 5) and the non-INVITE kind of §17.1.2 (Figure 6). It decides when the request is sent again,
 * when an ACK goes out for a non-2xx final response, and when the transaction has timed out; the
 * {@link Wire} sends, the {@link User} (the proxy core, where failover decides) hears the outcome.
 *
 * <p>Not thread-safe by design: it belongs to one event loop, which calls it and runs its timers.
 */
public final class ClientTransaction {

    /** The states of Figures 5 and 6 ({@code TRYING} is the non-INVITE name for {@code CALLING}). */
    public enum State { CALLING, TRYING, PROCEEDING, COMPLETED, TERMINATED }

    /** What the transaction asks the transport to do. */
    public interface Wire {
        /** Sends the request (again). */
        void sendRequest();

        /** Sends the ACK for {@code finalResponse}, a non-2xx final response to an INVITE (§17.1.1.3). */
        void sendAck(Object finalResponse);
    }

    /** What the transaction tells its user. */
    public interface User {
        void provisional(int status, Object response);

        /** A final response; for an INVITE, a 2xx ends the transaction and its ACK is the user's (end to end). */
        void finalResponse(int status, Object response);

        /** Timer B or F fired without a (final) response. */
        void timedOut();

        /** The transport could not send the request. */
        void transportError();

        default void terminated() {
        }
    }

    private final boolean invite;
    private final boolean reliable;
    private final SipTimers timers;
    private final TransactionScheduler scheduler;
    private final Wire wire;
    private final User user;
    private State state;
    private long retransmitInterval;
    private TransactionScheduler.Timer retransmitTimer;
    private TransactionScheduler.Timer timeoutTimer;
    private TransactionScheduler.Timer completedTimer;
    private int sends;

    public ClientTransaction(boolean invite, boolean reliable, SipTimers timers, TransactionScheduler scheduler,
                             Wire wire, User user) {
        this.invite = invite;
        this.reliable = reliable;
        this.timers = timers;
        this.scheduler = scheduler;
        this.wire = wire;
        this.user = user;
        this.state = invite ? State.CALLING : State.TRYING;
    }

    public State state() {
        return state;
    }

    /** How often the request has been sent, the first time included. */
    public int sends() {
        return sends;
    }

    /** Sends the request and starts Timers A and B (INVITE) or E and F (non-INVITE). */
    public void start() {
        send();
        if (!reliable) {
            // Timer A / E: T1, doubling (§17.1.1.2, §17.1.2.2).
            retransmitInterval = timers.t1Millis();
            retransmitTimer = scheduler.schedule(retransmitInterval, this::retransmit);
        }
        timeoutTimer = scheduler.schedule(timers.transactionTimeoutMillis(), this::timeout);
    }

    private void send() {
        sends++;
        wire.sendRequest();
    }

    private void retransmit() {
        if (state == State.CALLING || state == State.TRYING || (!invite && state == State.PROCEEDING)) {
            send();
            if (invite) {
                retransmitInterval *= 2;
            } else {
                // Non-INVITE: doubling up to T2, and T2 once a provisional response has come (§17.1.2.2).
                retransmitInterval = state == State.PROCEEDING ? timers.t2Millis()
                    : Math.min(retransmitInterval * 2, timers.t2Millis());
            }
            retransmitTimer = scheduler.schedule(retransmitInterval, this::retransmit);
        }
    }

    private void timeout() {
        // Timer B counts only in Calling (§17.1.1.2); Timer F in Trying and Proceeding (§17.1.2.2).
        boolean pending = invite ? state == State.CALLING : (state == State.TRYING || state == State.PROCEEDING);
        if (pending) {
            state = State.TERMINATED; // no more retransmissions, whatever the user does next
            user.timedOut();
            state = State.COMPLETED;
            terminate();
        }
    }

    /** The request could not be sent (connection refused, ICMP unreachable). */
    public void transportError() {
        if (state != State.TERMINATED && state != State.COMPLETED) {
            state = State.TERMINATED;
            user.transportError();
            state = State.COMPLETED;
            terminate();
        }
    }

    /**
     * Gives the transaction up without a word to its user: no more retransmissions, no timeout. For a
     * branch the proxy core has stopped waiting for (its no-reply timer fired, or its destination is dead).
     */
    public void abandon() {
        if (state != State.TERMINATED) {
            terminate();
        }
    }

    /** A response matched to this transaction (§17.1.3). */
    public void receive(int status, Object response) {
        switch (state) {
            case CALLING, TRYING, PROCEEDING -> {
                if (status < 200) {
                    enterProceeding();
                    user.provisional(status, response);
                } else if (invite && status < 300) {
                    // A 2xx ends an INVITE client transaction at once; its ACK is end to end (§17.1.1.2).
                    state = State.TERMINATED;
                    user.finalResponse(status, response);
                    state = State.COMPLETED;
                    terminate();
                } else {
                    boolean endNow = complete(response);
                    user.finalResponse(status, response);
                    if (endNow) {
                        terminate();
                    }
                }
            }
            case COMPLETED -> {
                if (invite && status >= 300) {
                    // A retransmitted final response: the ACK was lost (§17.1.1.2).
                    wire.sendAck(response);
                }
            }
            case TERMINATED -> {
                // Nothing: a stray 2xx retransmission goes to the core statelessly (§17.1.1.2).
            }
        }
    }

    private void enterProceeding() {
        if (state == State.PROCEEDING) {
            return;
        }
        state = State.PROCEEDING;
        if (invite) {
            TransactionScheduler.Timer.cancel(retransmitTimer);
            retransmitTimer = null;
        }
    }

    /** Enters Completed; returns whether the transaction ends at once (Timer D or K is 0 over a stream). */
    private boolean complete(Object finalResponse) {
        state = State.COMPLETED;
        TransactionScheduler.Timer.cancel(retransmitTimer);
        retransmitTimer = null;
        TransactionScheduler.Timer.cancel(timeoutTimer);
        timeoutTimer = null;
        if (invite) {
            wire.sendAck(finalResponse);
        }
        long wait = invite ? timers.timerDMillis(reliable) : timers.timerKMillis(reliable);
        if (wait > 0) {
            completedTimer = scheduler.schedule(wait, this::terminate);
        }
        return wait == 0;
    }

    private void terminate() {
        if (state == State.TERMINATED) {
            return;
        }
        state = State.TERMINATED;
        TransactionScheduler.Timer.cancel(retransmitTimer);
        retransmitTimer = null;
        TransactionScheduler.Timer.cancel(timeoutTimer);
        timeoutTimer = null;
        TransactionScheduler.Timer.cancel(completedTimer);
        completedTimer = null;
        user.terminated();
    }
}
