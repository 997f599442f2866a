package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.server.transport.Listener;
import io.sipdispatch.sip.CSeq;
import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParseException;
import io.sipdispatch.sip.SipParser;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The transaction layer of the stateful mode: one table per shard (event loop), keyed by the transaction
 * hash of the upstream request (see {@link Branches}), which also picks the shard. Every method that
 * touches a table runs on its shard's thread; the proxy core hands a message read elsewhere to the owner
 * first ({@link #owner}). The tables are bounded: {@code transactions.max} in all, split evenly.
 */
public final class Transactions {

    /** One shard's transactions and the tools its thread uses. */
    static final class Table {
        final int index;
        final HashMap<Long, ProxyTransaction> byKey = new HashMap<>();
        final TransactionScheduler scheduler;
        /** For reading back a branch's own request when an ACK or CANCEL is built from it. */
        final SipParser parser = new SipParser();

        Table(int index, TransactionScheduler scheduler) {
            this.index = index;
            this.scheduler = scheduler;
        }
    }

    final Shards shards;
    final SipTimers timers;
    final Outbound out;
    final ProxyCounters counters;
    final int probingThreshold;
    final io.sipdispatch.server.events.DestinationEvents events;
    final CallLoads loads;
    private final Table[] tables;
    private final int maxPerShard;

    public Transactions(Shards shards, SipTimers timers, int max, int probingThreshold, Outbound out,
                        ProxyCounters counters, io.sipdispatch.server.events.DestinationEvents events, CallLoads loads) {
        this.events = events;
        this.loads = loads;
        this.shards = shards;
        this.timers = timers;
        this.out = out;
        this.counters = counters;
        this.probingThreshold = probingThreshold;
        this.tables = new Table[shards.count()];
        for (int i = 0; i < tables.length; i++) {
            tables[i] = new Table(i, shards.scheduler(i));
        }
        this.maxPerShard = Math.max(1, max / tables.length);
    }

    /** The shard that owns transaction {@code key}. */
    int owner(long key) {
        return (int) Long.remainderUnsigned(key, tables.length);
    }

    /** Whether the calling thread is the owner of {@code key}. */
    boolean onOwner(long key) {
        return shards.current() == owner(key);
    }

    /** Runs {@code task} on the owner of {@code key}. */
    void handOver(long key, Runnable task) {
        counters.handovers.increment();
        shards.execute(owner(key), task);
    }

    private Table table(long key) {
        return tables[owner(key)];
    }

    /** Whether a new transaction fits in the owner's table. */
    boolean hasRoom(long key) {
        return table(key).byKey.size() < maxPerShard;
    }

    /** The number of transactions held, lingering ones included (approximate from other threads). */
    public int size() {
        int n = 0;
        for (Table t : tables) {
            n += t.byKey.size();
        }
        return n;
    }

    /** How many transactions still hold their messages: the ones not just lingering (on the test's thread). */
    int holdingMessages() {
        int n = 0;
        for (Table t : tables) {
            for (ProxyTransaction p : t.byKey.values()) {
                n += p.holdsMessages() ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * A request for an existing transaction (on its owner): a retransmission is absorbed, the ACK of a
     * non-2xx final response ends the server transaction, a CANCEL cancels the pending branches.
     *
     * @return whether the request belonged to a transaction and has been handled
     */
    boolean matchRequest(SipMessage m, long key, Listener in, InetSocketAddress source, Object connection) {
        ProxyTransaction t = table(key).byKey.get(key);
        if (t == null) {
            return false;
        }
        String method = m.method();
        if ("ACK".equals(method)) {
            return t.invite && t.ackReceived();
        }
        if ("CANCEL".equals(method)) {
            if (!t.invite) {
                return false;
            }
            t.cancel(m, Upstream.of(m, in, source, connection));
            return true;
        }
        if (method.equals(t.method)) {
            counters.retransmissionsAbsorbed.increment();
            t.retransmitted();
            return true;
        }
        return false;
    }

    /** Starts a transaction for {@code m} (on its owner) and forwards it to {@code first}. */
    void start(SipMessage m, long key, long loop, Upstream up, Plan plan, Hop first) {
        Table table = table(key);
        ProxyTransaction t = new ProxyTransaction(this, table, key, loop, m, up, plan);
        table.byKey.put(key, t);
        counters.transactions.increment();
        counters.liveTransactions.increment();
        counters.unansweredTransactions.increment();
        t.start(first);
    }

    void remove(ProxyTransaction t) {
        if (t.table.byKey.remove(t.key, t)) {
            counters.liveTransactions.decrement();
            t.removed();
        }
    }

    /**
     * A response whose top Via is a stateful branch of ours (on its owner).
     *
     * @return whether a transaction took it; if not, the core forwards it statelessly (RFC 3261 §16.7)
     */
    boolean response(SipMessage resp, long key, int index) throws SipParseException {
        ProxyTransaction t = table(key).byKey.get(key);
        if (t == null) {
            return false;
        }
        CSeq cseq = resp.cseq();
        return t.response(resp, index, cseq != null && "CANCEL".equals(cseq.method()));
    }

    /**
     * An ICMP error came back for {@code peer}: on every shard, each branch waiting for its first response from
     * there has failed to reach it (the error names the address, not the branch, and only the peer's home
     * loop hears it).
     */
    void unreachable(InetSocketAddress peer) {
        for (int i = 0; i < tables.length; i++) {
            Table t = tables[i];
            Runnable fail = () -> {
                for (ClientBranch b : branchesOf(t)) {
                    if (!b.done && !b.provisional && b.hop.target().address().equals(peer)) {
                        b.unreachable();
                    }
                }
            };
            if (shards.current() == i) {
                fail.run();
            } else {
                shards.execute(i, fail);
            }
        }
    }

    /**
     * {@code d} has just turned inactive: on every shard, the branches still waiting on it (ringing, or not
     * answered yet) fail over now rather than at their timers.
     */
    void destinationDown(Destination d) {
        for (int i = 0; i < tables.length; i++) {
            Table t = tables[i];
            shards.execute(i, () -> {
                for (ClientBranch b : branchesOf(t)) {
                    if (!b.done && b.hop.forwarding().destination() == d) {
                        b.destinationDown();
                    }
                }
            });
        }
    }

    /** A copy, since failing a branch over changes the table. */
    private static List<ClientBranch> branchesOf(Table t) {
        List<ClientBranch> out = new ArrayList<>();
        for (ProxyTransaction p : t.byKey.values()) {
            out.addAll(p.branches);
        }
        return out;
    }
}
