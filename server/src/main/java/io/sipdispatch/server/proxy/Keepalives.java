package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.dispatcher.DestinationSet;
import io.sipdispatch.server.config.ProbingSettings;
import io.sipdispatch.server.events.DestinationEvents;
import io.sipdispatch.server.transport.Listener;
import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.Via;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Keepalive probing (Kamailio's {@code ds_ping_interval} and friends): every interval, each destination the
 * probing mode selects gets an OPTIONS (or the configured method). An accepted reply counts towards bringing
 * an inactive destination back ({@code recovery_threshold}) and clears trying; a timeout, an ICMP
 * unreachable, a refused connection or a reply not accepted counts towards taking it down ({@code threshold}).
 *
 * <p>The destinations are shared out over the event loops, and each loop spreads its own over the interval
 * rather than sending them in one burst. A probe's state lives on the loop that sent it; its branch
 * ({@code z9hG4bKsdk} + loop + {@code .} + sequence) names that loop, so the response is handed there.
 */
public final class Keepalives {
    static final String PREFIX = Via.MAGIC_COOKIE + "sdk";
    /** Kamailio's flag for a destination that is never probed ({@code DS_NOPING_DST}'s place in the flags column). */
    static final int NO_PING = 32;
    /** The most slots an interval is cut into, and the shortest slot. */
    static final int SLOTS = 10;
    static final long MIN_SLOT_MILLIS = 50;

    private final List<Partition> partitions;
    private final Supplier<DispatchSnapshot> snapshot;
    private final Shards shards;
    private final Outbound out;
    private final BiFunction<Destination, Target, Listener> socketFor;
    private final Consumer<Destination> down;
    private final Consumer<Destination> up;
    /** The global switch ({@code ping_active}), from the configuration and then the operator. */
    private volatile boolean active;
    private final ProxyCounters counters;
    private final DestinationEvents events;
    private final double latencyAlpha;
    private final Loop[] loops;

    /** One partition's probing: each partition probes its own sets with its own settings. */
    private static final class Partition {
        final String name;
        final ProbingSettings settings;
        final int mode;
        final boolean[] classes = new boolean[7];
        final Set<Integer> codes = new HashSet<>();
        final Set<Integer> sets;

        Partition(String name, ProbingSettings settings) {
            this.name = name;
            this.settings = settings;
            this.mode = settings.modeNumber();
            for (int c : ProbingSettings.acceptedCodes(settings.replyCodes())) {
                if (c < 10) {
                    classes[c] = true;
                } else {
                    codes.add(c);
                }
            }
            codes.add(200);
            this.sets = Set.copyOf(settings.sets());
        }

        boolean accepted(int status) {
            return codes.contains(status) || classes[status / 100];
        }
    }

    /** A probe in flight. */
    private static final class Pending {
        final Destination destination;
        final Partition partition;
        final InetSocketAddress to;
        final long sentNanos;

        Pending(Destination destination, Partition partition, InetSocketAddress to, long sentNanos) {
            this.destination = destination;
            this.partition = partition;
            this.to = to;
            this.sentNanos = sentNanos;
        }
    }

    /** One event loop's probes; touched only by that loop. */
    private static final class Loop {
        final Map<Long, Pending> pending = new HashMap<>();
        /**
         * Numbers the probes' branches and Call-IDs. It starts at random so that they are unique across space and
         * time (RFC 3261 §8.1.1.7): two nodes of a cluster on one address, or a node restarted within a
         * transaction's lifetime, would otherwise send the same ones and have them absorbed as retransmissions.
         */
        long seq = java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 40);
    }

    /**
     * Probing of several partitions, each with its own settings, by name; a partition not named is not
     * probed. The global switch ({@code ping_active}) is one for all: it starts as the first partition's
     * {@code active}.
     *
     * @param socketFor the socket a probe to a destination's target leaves from (its own {@code socket}
     *                  attribute's), or null when none can reach it
     * @param down      told when a probe turns a destination inactive, so that calls waiting on it fail over
     * @param up        told when a probe brings an inactive destination back (its slow start begins)
     */
    public Keepalives(Map<String, ProbingSettings> partitions, Supplier<DispatchSnapshot> snapshot, Shards shards,
                      Outbound out, BiFunction<Destination, Target, Listener> socketFor, Consumer<Destination> down,
                      Consumer<Destination> up, ProxyCounters counters, DestinationEvents events, double latencyAlpha) {
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("no partition to probe");
        }
        this.events = events;
        this.latencyAlpha = latencyAlpha;
        this.partitions = partitions.entrySet().stream().map(e -> new Partition(e.getKey(), e.getValue())).toList();
        this.snapshot = snapshot;
        this.shards = shards;
        this.out = out;
        this.socketFor = socketFor;
        this.down = down;
        this.up = up;
        this.active = this.partitions.get(0).settings.active();
        this.counters = counters;
        this.loops = new Loop[shards.count()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new Loop();
        }
    }

    /** Starts a round of every partition on every loop now, and one every interval after. */
    public void start() {
        for (int i = 0; i < loops.length; i++) {
            int shard = i;
            for (Partition p : partitions) {
                shards.execute(shard, () -> round(shard, p));
            }
        }
    }

    /**
     * Turns probing on or off at run time (Kamailio's {@code dispatcher.ping_active}). Off, no probe leaves
     * and the states stay as they are; the rounds go on, so probing resumes within one interval of turning it
     * back on.
     */
    public void setActive(boolean on) {
        this.active = on;
    }

    public boolean active() {
        return active;
    }

    /** This loop's share of the destinations of {@code p}, spread over one interval. */
    private void round(int shard, Partition p) {
        ProbingSettings settings = p.settings;
        long interval = settings.interval().toMillis();
        TransactionScheduler scheduler = shards.scheduler(shard);
        scheduler.schedule(interval, () -> round(shard, p));
        DispatchSnapshot snap = snapshot.get();
        var table = snap.table(p.name);
        List<Destination> mine = new ArrayList<>();
        for (DestinationSet set : table == null ? List.<DestinationSet>of() : table.sets()) {
            if (!p.sets.isEmpty() && !p.sets.contains(set.id())) {
                continue;
            }
            for (Destination d : set.destinations()) {
                // A destination is probed by the loop that reads its answers; spread over the interval only
                // what is probed now (each is checked again when its turn comes).
                Target t = snap.target(d);
                if (t != null && shards.homeLoop(t.address()) == shard && selects(p, d) && owned.test(d)) {
                    mine.add(d);
                }
            }
        }
        // Spread, but in slots rather than one timer per probe: a slot's probes leave in one batch, and their
        // answers come back together, which costs the loop a few wake-ups per slot instead of two per probe.
        int slots = (int) Math.max(1, Math.min(mine.size(), Math.min(SLOTS, interval / MIN_SLOT_MILLIS)));
        for (int slot = 0; slot < slots; slot++) {
            List<Destination> slice = mine.subList(slot * mine.size() / slots, (slot + 1) * mine.size() / slots);
            Runnable send = () -> {
                long first = loops[shard].seq + 1;
                out.batch(() -> {
                    for (Destination d : slice) {
                        probe(shard, p, d, snap);
                    }
                });
                long last = loops[shard].seq;
                if (last >= first) {
                    // One timer for the slot's probes: what is still unanswered then has failed.
                    scheduler.schedule(settings.timeout().toMillis(), () -> expire(shard, first, last, settings));
                }
            };
            long at = slot * interval / slots;
            if (at == 0) {
                send.run();
            } else {
                scheduler.schedule(at, send);
            }
        }
    }

    /** Which destinations this node probes: all, unless a cluster shares the probing out. */
    private volatile java.util.function.Predicate<Destination> owned = d -> true;

    /** Probes only the destinations {@code owned} accepts (the cluster's probing mode), from the next round on. */
    public void probeOnly(java.util.function.Predicate<Destination> owned) {
        this.owned = owned;
    }

    /** Whether the probing mode of {@code p} selects {@code d} now (Kamailio's {@code ds_ping_set}). */
    private static boolean selects(Partition p, Destination d) {
        int s = d.state();
        if ((s & DestinationFlags.DISABLED) != 0 || (d.record().flags() & NO_PING) != 0) {
            return false;
        }
        return switch (p.mode) {
            case 1 -> true;
            case 2 -> (s & DestinationFlags.INACTIVE) != 0 && (s & DestinationFlags.PROBING) != 0;
            default -> (s & DestinationFlags.PROBING) != 0;
        };
    }

    private void probe(int shard, Partition p, Destination d, DispatchSnapshot snap) {
        if (!active || !selects(p, d) || !owned.test(d)) {
            return;
        }
        Target t = snap.target(d);
        Listener l = t == null ? null : socketFor.apply(d, t);
        if (l == null) {
            return;
        }
        Loop loop = loops[shard];
        long seq = ++loop.seq;
        loop.pending.put(seq, new Pending(d, p, t.address(), System.nanoTime()));
        counters.probesSent.increment();
        out.sendRequest(l, t.address(), request(p.settings, d, t, l, shard, seq), () -> onShard(shard,
            () -> failed(shard, seq, "transport error")));
    }

    private static byte[] request(ProbingSettings settings, Destination d, Target t, Listener l, int shard, long seq) {
        String uri = d.uri();
        String from = d.record().attrs().pingFrom() != null ? d.record().attrs().pingFrom() : settings.from();
        String sentBy = l.hostPort(t.address().getAddress());
        String host = sentBy.substring(0, sentBy.lastIndexOf(':'));
        String m = settings.method();
        String text = m + " " + uri + " SIP/2.0\r\n"
            + "Via: SIP/2.0/" + l.transport().viaName() + " " + sentBy + ";branch=" + PREFIX + shard + "." + seq + "\r\n"
            + "Max-Forwards: " + settings.maxForwards() + "\r\n"
            + "From: <" + from + ">;tag=sdk" + Long.toHexString(seq) + "\r\n"
            + "To: <" + uri + ">\r\n"
            + "Call-ID: sdk-" + shard + "-" + seq + "@" + host + "\r\n"
            + "CSeq: " + (seq & 0x7fffffff) + " " + m + "\r\n"
            + "Content-Length: 0\r\n\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void onShard(int shard, Runnable r) {
        if (shards.current() == shard) {
            r.run();
        } else {
            shards.execute(shard, r);
        }
    }

    /** The slot's timeout: probes {@code first..last} still unanswered have failed. */
    private void expire(int shard, long first, long last, ProbingSettings settings) {
        for (long seq = first; seq <= last; seq++) {
            Pending p = loops[shard].pending.get(seq);
            if (p != null) {
                p.destination.latencyStats().timeout();
                failed(shard, seq, "no reply in " + settings.timeout().toMillis() + " ms");
            }
        }
    }

    /** Whether {@code branch} is a probe's. */
    static boolean isProbe(String branch) {
        return branch != null && branch.startsWith(PREFIX);
    }

    /** The loop that sent the probe with {@code branch}; -1 when it is not one of ours. */
    int ownerOf(String branch) {
        int dot = branch.indexOf('.', PREFIX.length());
        if (dot < 0) {
            return -1;
        }
        try {
            int shard = Integer.parseInt(branch, PREFIX.length(), dot, 10);
            return shard >= 0 && shard < loops.length ? shard : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A response to a probe, on the loop that sent it. */
    void response(SipMessage m) {
        String branch;
        try {
            branch = m.topVia().branch();
        } catch (io.sipdispatch.sip.SipParseException e) {
            return;
        }
        int shard = ownerOf(branch);
        long seq;
        try {
            seq = Long.parseLong(branch.substring(branch.indexOf('.', PREFIX.length()) + 1));
        } catch (NumberFormatException e) {
            return;
        }
        int status = m.statusCode();
        if (shard < 0 || status < 200) {
            return; // a provisional response says nothing yet
        }
        Pending p = loops[shard].pending.remove(seq);
        if (p == null) {
            return; // late, after its timeout, or a retransmission
        }
        if (p.partition.accepted(status)) {
            answered(p);
        } else {
            failed(p, "answered " + status);
        }
    }

    /** An ICMP error for {@code peer} on the calling loop: its probes there have failed. */
    void unreachable(InetSocketAddress peer) {
        int shard = shards.current();
        if (shard < 0) {
            return;
        }
        List<Long> hit = new ArrayList<>();
        loops[shard].pending.forEach((seq, p) -> {
            if (p.to.equals(peer)) {
                hit.add(seq);
            }
        });
        for (long seq : hit) {
            failed(shard, seq, "ICMP unreachable");
        }
    }

    private void failed(int shard, long seq, String why) {
        Pending p = loops[shard].pending.remove(seq);
        if (p != null) {
            failed(p, why);
        }
    }

    private void failed(Pending p, String why) {
        counters.probesFailed.increment();
        Destination d = p.destination;
        int mode = p.partition.mode;
        int flags = DestinationFlags.TRYING | (mode == 1 ? DestinationFlags.PROBING : 0);
        int before = d.state();
        int after = d.markFailed(flags, p.partition.settings.threshold());
        events.changed(d, before, after, "keepalive: " + why);
        if ((before & DestinationFlags.INACTIVE) == 0 && (after & DestinationFlags.INACTIVE) != 0) {
            counters.destinationsDown.increment();
            down.accept(d);
        }
    }

    private void answered(Pending p) {
        counters.probesAnswered.increment();
        Destination d = p.destination;
        long rtt = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - p.sentNanos);
        d.recordLatency(rtt, latencyAlpha);
        int before = d.state();
        int mode = p.partition.mode;
        int after = d.probeAnswered(p.partition.settings.recoveryThreshold(), mode == 1 || mode == 3);
        events.changed(d, before, after, "keepalive answered");
        if ((before & DestinationFlags.INACTIVE) != 0 && (after & DestinationFlags.INACTIVE) == 0) {
            counters.destinationsUp.increment();
            up.accept(d);
        }
    }
}
