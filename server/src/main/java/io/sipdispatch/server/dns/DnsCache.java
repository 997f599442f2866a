package io.sipdispatch.server.dns;

import io.sipdispatch.server.config.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resolved targets of every DNS-named destination, kept fresh in the background: each name is resolved
 * again when its answer's TTL runs out (within {@code minRefresh}..{@code maxRefresh}), on a thread of its
 * own, so that the message path only ever reads what is here. When DNS fails, the last good answer stays in
 * use for {@code keepStale} and the failure is kept, with when it began, for the operator to see; a name
 * that never resolved has no targets and says why.
 */
public final class DnsCache implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsCache.class);

    /** What a destination's host is asked for: the URI's host, transport parameter, port and scheme. */
    public record Key(String host, Transport transport, int port, boolean secure) {
    }

    /**
     * A name's state: the targets in use (empty when none), when they were resolved, and the failure since
     * then, if any.
     */
    public record Entry(List<SipResolver.Target> targets, Instant resolvedAt, String error, Instant failingSince) {
        public boolean failing() {
            return error != null;
        }
    }

    private final SipResolver resolver;
    private final Duration minRefresh;
    private final Duration maxRefresh;
    private final Duration keepStale;
    private final Clock clock;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher;
    /** Told, on the refresher's thread, when a name's targets change (the dispatch tables are remade). */
    private volatile Runnable onChange = () -> { };

    /** The cache the configuration asks for: its servers (or the system's), timeout and refresh bounds. */
    public static DnsCache of(io.sipdispatch.server.config.DnsSettings s) {
        org.xbill.DNS.Resolver r;
        if (s.servers().isEmpty()) {
            r = new org.xbill.DNS.ExtendedResolver();
        } else {
            java.util.List<org.xbill.DNS.Resolver> each = new java.util.ArrayList<>();
            for (String server : s.servers()) {
                io.sipdispatch.server.config.HostPort hp = io.sipdispatch.server.config.HostPort.parse(server, 53);
                each.add(new org.xbill.DNS.SimpleResolver(new java.net.InetSocketAddress(hp.literal(), hp.port())));
            }
            r = new org.xbill.DNS.ExtendedResolver(each);
        }
        r.setTimeout(s.timeout());
        return new DnsCache(new SipResolver(r), s.minRefresh(), s.maxRefresh(), s.keepStale(), Clock.systemUTC());
    }

    public DnsCache(SipResolver resolver, Duration minRefresh, Duration maxRefresh, Duration keepStale, Clock clock) {
        this.resolver = resolver;
        this.minRefresh = minRefresh;
        this.maxRefresh = maxRefresh;
        this.keepStale = keepStale;
        this.clock = clock;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sipdispatch-dns");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Resolves {@code key} now, on the caller's thread (at start and reload, never on the message path), and
     * keeps it fresh from then on. Returns its entry, failing or not.
     */
    public Entry watch(Key key) {
        Entry e = entries.get(key);
        if (e != null) {
            return e;
        }
        Entry first = refresh(key);
        return first;
    }

    /**
     * Keeps {@code key} fresh from now on without waiting for its first answer (Kamailio's flag 16: the load
     * does not wait on DNS); until it resolves it has no targets.
     */
    public Entry watchLater(Key key) {
        Entry e = entries.get(key);
        if (e != null) {
            return e;
        }
        Entry pending = new Entry(List.of(), null, "not resolved yet", clock.instant());
        if (entries.putIfAbsent(key, pending) == null && !refresher.isShutdown()) {
            refresher.execute(() -> refresh(key));
        }
        return entries.get(key);
    }

    /** Runs {@code r} whenever a name's targets change. */
    public void onChange(Runnable r) {
        this.onChange = r;
    }

    /** The entry of {@code key}, or null when it is not watched. A map read: for the message path. */
    public Entry get(Key key) {
        return entries.get(key);
    }

    /** Every watched name and its state, for the management API. */
    public Map<Key, Entry> entries() {
        return Map.copyOf(entries);
    }

    private Entry refresh(Key key) {
        Entry before = entries.get(key);
        Instant now = clock.instant();
        Entry next;
        long delaySeconds;
        try {
            SipResolver.Answer a = resolver.resolve(key.host(), key.transport(), key.port(), key.secure());
            next = new Entry(a.targets(), now, null, null);
            delaySeconds = Math.max(minRefresh.toSeconds(), Math.min(maxRefresh.toSeconds(), a.ttlSeconds()));
            if (before != null && before.failing()) {
                log.info("dns: {} resolves again: {} target(s)", key.host(), a.targets().size());
            }
        } catch (SipResolver.DnsException ex) {
            Instant since = before != null && before.failing() ? before.failingSince() : now;
            // keep_stale counts from the first failure, not from the last answer: a long TTL must not use the
            // window up before DNS has even failed.
            boolean stale = before != null && !before.targets().isEmpty()
                && Duration.between(since, now).compareTo(keepStale) < 0;
            // The last good answer serves on while it is younger than keep_stale: a DNS outage must not take
            // down every carrier at once.
            next = new Entry(stale ? before.targets() : List.of(), before == null ? null : before.resolvedAt(),
                ex.getMessage(), since);
            delaySeconds = Math.max(1, minRefresh.toSeconds());
            if (before == null || !before.failing()) {
                log.warn("dns: {} ({}{})", ex.getMessage(), stale ? "the last good answer stays in use" : "no target",
                    stale ? " for up to " + keepStale.toSeconds() + " s" : "");
            }
        }
        entries.put(key, next);
        if (before != null && !java.util.Set.copyOf(before.targets()).equals(java.util.Set.copyOf(next.targets()))) {
            // Compared as sets: a round-robin server reorders its answer every time, which is no change.
            try {
                onChange.run();
            } catch (RuntimeException e) {
                log.warn("dns: remaking the tables after {} changed failed", key.host(), e);
            }
        }
        if (!refresher.isShutdown()) {
            refresher.schedule(() -> refresh(key), delaySeconds, TimeUnit.SECONDS);
        }
        return next;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
