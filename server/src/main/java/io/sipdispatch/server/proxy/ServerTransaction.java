package io.sipdispatch.server.proxy;

/**
 * A server transaction (RFC 3261 §17.2) as a state machine with no I/O: the INVITE kind of §17.2.1 with
 * RFC 6026's Accepted state, and the non-INVITE kind of §17.2.2. It absorbs retransmitted requests by
 * sending the last response again, retransmits a non-2xx final response to an INVITE until its ACK
 * comes (Timers G and H), and keeps the transaction long enough to absorb what the network still holds
 * (Timers I, J, L).
 *
 * <p>Not thread-safe by design: it belongs to one event loop, which calls it and runs its timers.
 */
public final class ServerTransaction {

    /** The states of Figures 7 and 8, and Accepted (RFC 6026 §7.1). */
    public enum State { TRYING, PROCEEDING, COMPLETED, CONFIRMED, ACCEPTED, TERMINATED }

    /** What the transaction asks the transport to do. */
    public interface Wire {
        void sendResponse(Object response);
    }

    /** What the transaction tells its user. */
    public interface User {
        /** Timer H fired: the ACK for a non-2xx final response never came. */
        default void ackTimedOut() {
        }

        default void transportError() {
        }

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
    private Object lastResponse;
    private long retransmitInterval;
    private TransactionScheduler.Timer retransmitTimer;
    private TransactionScheduler.Timer endTimer;

    public ServerTransaction(boolean invite, boolean reliable, SipTimers timers, TransactionScheduler scheduler,
                             Wire wire, User user) {
        this.invite = invite;
        this.reliable = reliable;
        this.timers = timers;
        this.scheduler = scheduler;
        this.wire = wire;
        this.user = user;
        // An INVITE server transaction starts in Proceeding (its TU sends 100 Trying); others in Trying.
        this.state = invite ? State.PROCEEDING : State.TRYING;
    }

    public State state() {
        return state;
    }

    /**
     * The same request came again (§17.2.1, §17.2.2): the last response goes out again where there is one
     * to repeat; in Trying, Confirmed and Accepted it is absorbed silently.
     */
    public void requestRetransmitted() {
        if ((state == State.PROCEEDING || state == State.COMPLETED) && lastResponse != null) {
            wire.sendResponse(lastResponse);
        }
    }

    /** The user answers: a provisional or final response, sent and remembered. */
    public void respond(int status, Object response) {
        switch (state) {
            case TRYING, PROCEEDING -> {
                lastResponse = response;
                wire.sendResponse(response);
                if (status < 200) {
                    state = State.PROCEEDING;
                } else if (invite && status < 300) {
                    // RFC 6026: Accepted absorbs retransmitted INVITEs while the 2xx is the user's to repeat.
                    state = State.ACCEPTED;
                    lastResponse = null; // never repeated by the transaction itself
                    endTimer = scheduler.schedule(timers.lingerMillis(), this::terminate);
                } else if (invite) {
                    state = State.COMPLETED;
                    if (!reliable) {
                        retransmitInterval = timers.t1Millis();
                        retransmitTimer = scheduler.schedule(retransmitInterval, this::retransmitFinal);
                    }
                    endTimer = scheduler.schedule(timers.transactionTimeoutMillis(), this::ackTimeout);
                } else {
                    state = State.COMPLETED;
                    // Timer J: 64·T1 (or the configured linger) over UDP, 0 over a stream.
                    if (reliable) {
                        terminate();
                    } else {
                        endTimer = scheduler.schedule(timers.lingerMillis(), this::terminate);
                    }
                }
            }
            case ACCEPTED -> {
                if (status >= 200 && status < 300) {
                    wire.sendResponse(response); // the user repeating its 2xx (RFC 6026 §8.7)
                }
            }
            default -> {
                // Completed, Confirmed, Terminated: the final response has been given.
            }
        }
    }

    /** The ACK for a non-2xx final response (§17.2.1). */
    public void ackReceived() {
        if (invite && state == State.COMPLETED) {
            state = State.CONFIRMED;
            lastResponse = null;
            TransactionScheduler.Timer.cancel(retransmitTimer);
            retransmitTimer = null;
            TransactionScheduler.Timer.cancel(endTimer);
            endTimer = null;
            // Timer I: T4 over UDP to absorb ACK retransmissions, 0 over a stream.
            if (reliable) {
                terminate();
            } else {
                endTimer = scheduler.schedule(timers.timerKMillis(false), this::terminate);
            }
        }
    }

    public void transportError() {
        if (state != State.TERMINATED) {
            user.transportError();
            terminate();
        }
    }

    private void retransmitFinal() {
        if (state == State.COMPLETED) {
            wire.sendResponse(lastResponse);
            // Timer G: doubling up to T2 (§17.2.1).
            retransmitInterval = Math.min(retransmitInterval * 2, timers.t2Millis());
            retransmitTimer = scheduler.schedule(retransmitInterval, this::retransmitFinal);
        }
    }

    private void ackTimeout() {
        if (state == State.COMPLETED) {
            user.ackTimedOut();
            terminate();
        }
    }

    private void terminate() {
        if (state == State.TERMINATED) {
            return;
        }
        state = State.TERMINATED;
        TransactionScheduler.Timer.cancel(retransmitTimer);
        retransmitTimer = null;
        TransactionScheduler.Timer.cancel(endTimer);
        endTimer = null;
        user.terminated();
    }
}
