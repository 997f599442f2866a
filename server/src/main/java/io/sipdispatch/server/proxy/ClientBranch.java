package io.sipdispatch.server.proxy;

import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParseException;

/**
 * One branch of a {@link ProxyTransaction}: the client transaction towards one destination (§17.1), the
 * route's no-reply and ringing timers (Kamailio's {@code fr_timer} and {@code fr_inv_timer}), and the
 * CANCEL the branch may need (§9.1: only once a provisional response has come).
 */
final class ClientBranch implements ClientTransaction.Wire, ClientTransaction.User {
    final ProxyTransaction owner;
    final int index;
    final Hop hop;
    final String branch;
    /** The request as forwarded; let go (with its parsed form) once the branch only lingers. */
    private byte[] bytes;
    private final ClientTransaction ct;
    private final boolean reliable;
    /** A provisional response has come. */
    boolean provisional;
    /** The branch is over for the response context: a final response, a failure, or given up. */
    boolean done;
    private boolean cancelWanted;
    private ClientTransaction cancelTxn;
    private TransactionScheduler.Timer timer;
    private SipMessage parsed;
    /** The ACK of a non-2xx final response, kept to answer its retransmissions (§17.1.1.3). */
    private byte[] ack;

    ClientBranch(ProxyTransaction owner, int index, Hop hop, String branch, byte[] bytes) {
        this.owner = owner;
        this.index = index;
        this.hop = hop;
        this.branch = branch;
        this.bytes = bytes;
        this.reliable = hop.out().transport().reliable();
        this.ct = new ClientTransaction(owner.invite, reliable, owner.layer.timers, owner.table.scheduler, this, this);
    }

    void start() {
        ct.start();
        long noReply = owner.plan.failover().noReplyMillis();
        if (noReply < owner.layer.timers.transactionTimeoutMillis()) {
            timer = owner.table.scheduler.schedule(noReply, this::noReply);
        }
    }

    /** A response for this branch; returns false when the client transaction had already ended. */
    boolean receive(int status, SipMessage resp) {
        if (ct.state() == ClientTransaction.State.TERMINATED) {
            return false;
        }
        ct.receive(status, resp);
        return true;
    }

    // ---- the route's timers ------------------------------------------------------------------------

    private void noReply() {
        timer = null;
        if (provisional || done) {
            return;
        }
        done = true;
        owner.branchFailed(this, ProxyTransaction.Outcome.TIMEOUT);
        ct.abandon();
    }

    private void ringing() {
        timer = null;
        if (done) {
            return;
        }
        done = true;
        sendCancel();
        owner.branchFailed(this, ProxyTransaction.Outcome.TIMEOUT);
    }

    /** The destination turned inactive while this branch was waiting on it. */
    void destinationDown() {
        if (done) {
            return;
        }
        done = true;
        TransactionScheduler.Timer.cancel(timer);
        timer = null;
        if (provisional) {
            sendCancel();
        }
        owner.branchFailed(this, ProxyTransaction.Outcome.DESTINATION_DOWN);
        if (!provisional) {
            ct.abandon();
        }
    }

    /** An ICMP error for the destination while no response had come. */
    void unreachable() {
        ct.transportError();
    }

    /**
     * The caller cancelled (or another branch answered): CANCEL now if a provisional response has come,
     * else as soon as one comes. Returns true when the branch is over for the response context now.
     */
    boolean cancelByCaller() {
        cancelWanted = true;
        if (provisional) {
            sendCancel();
            return false; // its 487 is the answer
        }
        done = true;
        TransactionScheduler.Timer.cancel(timer);
        timer = null;
        return true;
    }

    private void sendCancel() {
        if (cancelTxn != null || !owner.invite || bytes == null) {
            return;
        }
        byte[] cancel;
        try {
            cancel = Requests.cancel(request());
        } catch (SipParseException e) {
            return;
        }
        cancelTxn = new ClientTransaction(false, reliable, owner.layer.timers, owner.table.scheduler,
            new ClientTransaction.Wire() {
                @Override
                public void sendRequest() {
                    owner.layer.out.sendRequest(hop.out(), hop.target().address(), cancel, null);
                }

                @Override
                public void sendAck(Object finalResponse) {
                }
            }, new ClientTransaction.User() {
                @Override
                public void provisional(int status, Object response) {
                }

                @Override
                public void finalResponse(int status, Object response) {
                }

                @Override
                public void timedOut() {
                }

                @Override
                public void transportError() {
                }
            });
        owner.layer.counters.cancelsSent.increment();
        cancelTxn.start();
        // An INVITE client transaction in Proceeding has no timer of its own (§17.1.1.2): if the 487 never
        // comes, the branch is given up when the CANCEL's own transaction would have ended.
        owner.table.scheduler.schedule(owner.layer.timers.transactionTimeoutMillis(), ct::abandon);
    }

    void cancelResponse(int status, SipMessage resp) {
        if (cancelTxn != null) {
            cancelTxn.receive(status, resp);
        }
    }

    private SipMessage request() throws SipParseException {
        if (parsed == null) {
            parsed = owner.table.parser.parseDatagram(bytes);
        }
        return parsed;
    }

    // ---- ClientTransaction.Wire ---------------------------------------------------------------------

    @Override
    public void sendRequest() {
        Runnable onFailure = hop.forwarding().destination() != null || reliable ? this::sendFailed : null;
        owner.layer.out.sendRequest(hop.out(), hop.target().address(), bytes, onFailure);
    }

    /** Called by the transport on any thread. */
    private void sendFailed() {
        int shard = owner.table.index;
        if (owner.layer.shards.current() == shard) {
            ct.transportError();
        } else {
            owner.layer.shards.execute(shard, ct::transportError);
        }
    }

    @Override
    public void sendAck(Object finalResponse) {
        if (ack == null) {
            try {
                ack = Requests.ack(request(), (SipMessage) finalResponse);
            } catch (SipParseException e) {
                return; // our own request always reads back
            }
        }
        // A retransmitted final response carries the same To tag: the same ACK answers it.
        owner.layer.out.send(hop.out(), hop.target().address(), ack, null);
    }

    /**
     * Over for the response context, and its client transaction can no longer retransmit, time out or build
     * a request from the forwarded one: ended, or Completed with its ACK kept (or no ACK due). A CANCEL
     * under way holds its own bytes.
     */
    boolean quiescent() {
        if (!done) {
            return false;
        }
        return switch (ct.state()) {
            case TERMINATED -> true;
            case COMPLETED -> !owner.invite || ack != null;
            default -> false;
        };
    }

    /** The forwarded request is no longer needed: see {@link ProxyTransaction}'s lingering. */
    void letGo() {
        bytes = null;
        parsed = null;
    }

    // ---- ClientTransaction.User ---------------------------------------------------------------------

    @Override
    public void provisional(int status, Object response) {
        if (!provisional) {
            provisional = true;
            TransactionScheduler.Timer.cancel(timer);
            timer = null;
            if (owner.invite && !done) {
                timer = owner.table.scheduler.schedule(owner.plan.failover().ringingMillis(), this::ringing);
            }
        }
        if (cancelWanted) {
            sendCancel();
        }
        owner.provisional(this, status, (SipMessage) response);
    }

    @Override
    public void finalResponse(int status, Object response) {
        TransactionScheduler.Timer.cancel(timer);
        timer = null;
        boolean late = done;
        done = true;
        owner.finalResponse(this, status, (SipMessage) response, late);
    }

    @Override
    public void timedOut() {
        TransactionScheduler.Timer.cancel(timer);
        timer = null;
        if (done) {
            return;
        }
        done = true;
        owner.branchFailed(this, ProxyTransaction.Outcome.TIMEOUT);
    }

    @Override
    public void transportError() {
        TransactionScheduler.Timer.cancel(timer);
        timer = null;
        if (done) {
            return;
        }
        done = true;
        owner.branchFailed(this, ProxyTransaction.Outcome.TRANSPORT_ERROR);
    }

    @Override
    public void terminated() {
        TransactionScheduler.Timer.cancel(timer);
        timer = null;
        owner.branchTerminated();
    }
}
