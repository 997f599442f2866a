package io.sipdispatch.server;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationRecord;
import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.dispatcher.ReloadState;
import io.sipdispatch.server.load.FreeSwitchLoads;
import io.sipdispatch.server.cluster.Cluster;
import io.sipdispatch.server.config.ConfigException;
import io.sipdispatch.server.config.ConfigLoader;
import io.sipdispatch.server.config.DispatcherSettings;
import io.sipdispatch.server.config.PartitionSettings;
import io.sipdispatch.server.config.SipdispatchConfig;
import io.sipdispatch.server.config.StopSettings;
import io.sipdispatch.server.dns.DnsCache;
import io.sipdispatch.server.events.DestinationEvents;
import io.sipdispatch.server.management.ManagementServer;
import io.sipdispatch.server.proxy.DispatchSnapshot;
import io.sipdispatch.server.proxy.Myself;
import io.sipdispatch.server.proxy.Outbound;
import io.sipdispatch.server.proxy.ProxyCounters;
import io.sipdispatch.server.proxy.Router;
import io.sipdispatch.server.proxy.SipProxy;
import io.sipdispatch.server.source.DbSchema;
import io.sipdispatch.server.source.DbSource;
import io.sipdispatch.server.source.DbUrl;
import io.sipdispatch.server.source.DestinationSource;
import io.sipdispatch.server.source.SourceException;
import io.sipdispatch.server.source.StateStore;
import io.sipdispatch.server.trace.SipTracer;
import io.sipdispatch.server.trace.TracingOutbound;
import io.sipdispatch.server.transport.LeakCounter;
import io.sipdispatch.server.transport.Listener;
import io.sipdispatch.server.transport.MessageSink;
import io.sipdispatch.server.transport.NettyTransport;
import io.sipdispatch.server.transport.TlsContexts;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The object graph of a running sipdispatch, built by hand in one place: configuration → destination table
 * → routes → sockets → proxy.
 */
public final class SipdispatchServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SipdispatchServer.class);

    private final SipdispatchConfig config;
    private final Path configFile;
    private final List<Listener> listeners;
    private final NettyTransport transport;
    private final SipProxy proxy;
    private volatile DispatchSnapshot snapshot;
    private final FreeSwitchLoads freeswitch;
    private volatile Cluster cluster;
    private final DestinationEvents events;

    /** Each partition's source and state store (null without persistent state), the default partition first. */
    private final Map<String, Partition> partitions;
    /** When the last reload was asked (System.nanoTime), for {@code reload_delta}; 0 before the first. */
    private long lastReload;
    /** The answers of DNS-named destinations, kept fresh in the background. */
    private final DnsCache dns;
    /** TLS certificates, when configured; else null. */
    private TlsContexts tlsContexts;
    /** SIP tracing to a HEP collector, when configured; else null. */
    private final SipTracer tracer;
    /** The management API, when configured; null until bound. */
    private ManagementServer management;
    /** Per partition, reloads done and failed, for the metrics. */
    private final Map<String, long[]> reloads = new java.util.concurrent.ConcurrentHashMap<>();

    /** One partition's source of destinations and where its state is kept. */
    record Partition(String name, DestinationSource source, StateStore state) {
        /** Whose state a reload keeps by default: the source's state column is ours when we write it back. */
        ReloadState inherit() {
            return state != null && source instanceof DbSource db && db.settings().opensips()
                ? ReloadState.INHERIT_ALWAYS : ReloadState.INHERIT;
        }

        /** The first table: the source's rows, with the states saved at the last stop. */
        DispatchTable load(SipdispatchConfig config) throws ConfigException {
            try {
                DispatchTable t = DispatchTable.build(source.load(), null, config.dispatcher().numberingKind());
                checkSockets(config, t);
                int restored = state == null ? 0 : state.restore(t);
                if (restored > 0) {
                    log.info("{}: {} destination(s) start in the state saved before the last stop",
                        source.describe(), restored);
                }
                return t;
            } catch (SourceException e) {
                throw new ConfigException(e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(source.describe() + ": " + e.getMessage(), e);
            }
        }
    }

    private SipdispatchServer(Prepared p) {
        this.config = p.config;
        this.configFile = p.configFile;
        this.partitions = p.partitions;
        this.snapshot = p.snapshot;
        this.dns = p.dns;
        // The boxes' event sockets: a handful of threads of their own, started with the first table.
        this.freeswitch = new FreeSwitchLoads(config.dispatcher().maxFreeswitchWeight(), Duration.ofMillis(500),
            Duration.ofSeconds(30));
        // A name's answer changed: the tables are remade with it, off the message path. Once now too, for a
        // name (flag 16) that resolved between the load and this line.
        dns.onChange(this::dnsChanged);
        dnsChanged();
        this.listeners = new ArrayList<>();
        for (int i = 0; i < config.listen().size(); i++) {
            listeners.add(new Listener(config.listen().get(i), i));
        }
        Myself myself = new Myself(listeners, config.aliases());
        SipProxy[] px = new SipProxy[1];
        try {
            this.tracer = config.tracing() == null ? null : new SipTracer(config.tracing(), () -> this.snapshot);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("tracing: no socket to the HEP collector", e);
        }
        SipTracer t = tracer;
        // The transport needs the proxy to deliver to, and the proxy the transport to send with.
        MessageSink sink = new MessageSink() {
            @Override
            public void onMessage(byte[] b, int off, int len, Listener in, InetSocketAddress src, Object conn) {
                if (t != null) {
                    t.received(b, off, len, in, src);
                }
                px[0].onMessage(b, off, len, in, src, conn);
            }

            @Override
            public void unreachable(Listener via, InetSocketAddress peer) {
                px[0].unreachable(via, peer);
            }
        };
        try {
            this.tlsContexts = p.tls;
            this.transport = new NettyTransport(listeners, sink, config.tcp(), config.udp(), tlsContexts);
            if (!config.limits().overload().shedAfter().isZero()) {
                transport.watchQueues();
            }
        } catch (RuntimeException e) {
            if (t != null) {
                t.close();
            }
            if (tlsContexts != null) {
                tlsContexts.close();
            }
            throw e;
        }
        this.events = new DestinationEvents(config.events(), java.time.Clock.systemUTC());
        events.partitions(d -> this.snapshot.partitionOf(d));
        events.onChange((partition, d) -> {
            Partition part = partitions.get(partition);
            if (part != null && part.state() != null) {
                part.state().changed(d);
            }
        });
        Outbound out = tracer == null ? transport : new TracingOutbound(transport, tracer);
        this.proxy = new SipProxy(config, listeners, myself, p.router, () -> this.snapshot, out, transport,
            new ProxyCounters(), events);
        px[0] = proxy;
        freeswitch.follow(allDestinations(snapshot));
    }

    /**
     * Everything that can be checked without binding a socket: the configuration, every partition's
     * destinations (with their saved states), the routes.
     *
     * @throws ConfigException with file, line and reason
     */
    public static Prepared prepare(Path configFile) throws ConfigException {
        SipdispatchConfig config = ConfigLoader.load(configFile);
        Map<String, Partition> parts = new LinkedHashMap<>();
        Map<String, DispatchTable> tables = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, PartitionSettings> e : config.dispatcher().allPartitions().entrySet()) {
                String name = e.getKey();
                Partition part = open(configFile, config, name, e.getValue());
                parts.put(name, part);
                tables.put(name, part.load(config));
            }
        } catch (ConfigException e) {
            parts.values().forEach(SipdispatchServer::closeQuietly);
            throw e;
        }
        DispatchSnapshot snap;
        Router router;
        DnsCache dns = DnsCache.of(config.dns());
        try {
            snap = new DispatchSnapshot(tables, DispatchSnapshot.blacklistDefinitions(config.dispatcher()), dns);
            router = Router.compile(config.routes(), config.dispatcher(), config.mode());
        } catch (IllegalArgumentException e) {
            parts.values().forEach(SipdispatchServer::closeQuietly);
            dns.close();
            throw new ConfigException(configFile + ": " + e.getMessage(), e);
        }
        router.setIds().forEach((partition, sets) -> {
            for (int set : sets) {
                if (snap.table(partition).set(set) == null) {
                    // Not an error: a reload may bring the set; until then the route answers its when_none_left.
                    log.warn("{}: routes dispatch to set {}, which {} does not have", configFile, set,
                        parts.get(partition).source().describe());
                }
            }
        });
        TlsContexts tls = null;
        if (config.tls() != null) {
            // The certificate and key load now, or the configuration is refused with the reason; the contexts
            // loaded here are the ones the server uses.
            try {
                tls = new TlsContexts(config.tls(), config.baseDir());
            } catch (IllegalArgumentException e) {
                parts.values().forEach(SipdispatchServer::closeQuietly);
                dns.close();
                throw new ConfigException(configFile + ": " + e.getMessage(), e);
            }
        }
        return new Prepared(config, configFile, parts, snap, router, dns, tls);
    }

    /** Opens a partition's source (creating a missing SQLite file) and its state store. */
    private static Partition open(Path configFile, SipdispatchConfig config, String name, PartitionSettings ps)
        throws ConfigException {
        String where = configFile + ": dispatcher" + (name.equals(DispatcherSettings.DEFAULT_PARTITION) ? ""
            : ".partitions." + name);
        DestinationSource source;
        try {
            source = DestinationSource.of(ps, config.baseDir());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage(), e);
        }
        try {
            createIfMissing(source);
            return new Partition(name, source, StateStore.of(source));
        } catch (SourceException e) {
            source.close();
            throw new ConfigException(e.getMessage(), e);
        }
    }

    private static void closeQuietly(Partition p) {
        if (p.state() != null) {
            p.state().close();
        }
        p.source().close();
    }

    /**
     * SQLite is the embedded default: a database file that does not exist yet is created with the schema and
     * the example rows, so that the first start needs no step before it. A server database is never created
     * here (that is {@code sipdispatch db init}).
     */
    private static void createIfMissing(DestinationSource source) throws SourceException {
        if (source instanceof DbSource db && db.url().kind() == DbUrl.Kind.SQLITE) {
            Path file = Path.of(db.url().jdbcUrl().substring("jdbc:sqlite:".length()));
            if (!Files.exists(file)) {
                db.init(DbSchema.EXAMPLE);
                log.info("{}: created with the {} schema and {} example destination(s); edit it with sqlite3", file,
                    db.settings().schema(), DbSchema.EXAMPLE.size());
            }
        }
    }

    /** A checked configuration, ready to start. */
    public static final class Prepared {
        private final SipdispatchConfig config;
        private final Path configFile;
        private final Map<String, Partition> partitions;
        private final DispatchSnapshot snapshot;
        private final Router router;
        private final DnsCache dns;
        private final TlsContexts tls;

        Prepared(SipdispatchConfig config, Path configFile, Map<String, Partition> partitions,
                 DispatchSnapshot snapshot, Router router, DnsCache dns, TlsContexts tls) {
            this.dns = dns;
            this.tls = tls;
            this.config = config;
            this.configFile = configFile;
            this.partitions = Map.copyOf(partitions);
            this.snapshot = snapshot;
            this.router = router;
        }

        public SipdispatchConfig config() {
            return config;
        }

        public DispatchSnapshot snapshot() {
            return snapshot;
        }

        public SipdispatchServer start() throws InterruptedException {
            SipdispatchServer s = new SipdispatchServer(this);
            s.bind();
            return s;
        }

        /** Closes the sources without starting (a configuration only checked). */
        public void discard() {
            partitions.values().forEach(SipdispatchServer::closeQuietly);
            dns.close();
            if (tls != null) {
                tls.close();
            }
        }
    }

    /** What a reload did: whether all of it is in use, and the message that says so or why not. */
    public record ReloadResult(boolean ok, String message) {
    }

    /** Reloads every partition, keeping running states (as {@code dispatcher.reload} does), and the routes. */
    public ReloadResult reload() {
        return reload(null, false);
    }

    /**
     * Loads the destinations of {@code partition} (null: every partition) again and swaps the new tables in
     * at once ({@code ds_reload}, {@code dispatcher.reload}); each destination that is still there keeps its
     * runtime state (latency, call counts and, unless {@code override}, health and admin state) by its
     * identity. It also re-reads the routes of the configuration file. A partition that fails (source
     * unreachable, a bad row, an unusable URI) keeps its running table and the message says why; a
     * configuration file that fails keeps the running routes; a reload asked within {@code reload_delta} of the
     * last is refused. Runs on the caller's thread, never on an event loop: the loops only ever see the old
     * snapshot or the new one.
     *
     * @param override whether the provisioned state replaces the running one (OpenSIPS {@code inherit_state} 0)
     */
    public synchronized ReloadResult reload(String partition, boolean override) {
        long now = System.nanoTime();
        long delta = config.dispatcher().reloadDelta().toNanos();
        if (lastReload != 0 && now - lastReload < delta) {
            return refused("reload refused: the last one was less than "
                + config.dispatcher().reloadDelta().toMillis() + " ms ago (reload_delta)");
        }
        if (partition != null && !partitions.containsKey(partition)) {
            return refused("reload refused: no partition '" + partition + "' (known: "
                + String.join(", ", partitions.keySet()) + ")");
        }
        lastReload = now;
        List<String> said = new ArrayList<>();
        boolean ok = true;
        for (Partition p : partitions.values()) {
            if (partition != null && !p.name().equals(partition)) {
                continue;
            }
            long t0 = System.nanoTime();
            DispatchSnapshot current = snapshot;
            DispatchSnapshot next;
            Map<String, Integer> before = new java.util.HashMap<>();
            for (Destination d : current.table(p.name()).destinations()) {
                before.putIfAbsent(d.identity(), d.state());
            }
            try {
                DispatchTable t = DispatchTable.build(p.source().load(), current.table(p.name()),
                    config.dispatcher().numberingKind(), override ? ReloadState.OVERRIDE : p.inherit());
                checkSockets(config, t);
                next = current.with(p.name(), t);
            } catch (SourceException | IllegalArgumentException e) {
                reloads.computeIfAbsent(p.name(), k -> new long[2])[1]++;
                String why = name(p) + "reload failed, the running table stays: " + e.getMessage();
                log.warn("{}", why);
                said.add(why);
                ok = false;
                continue;
            }
            snapshot = next;
            freeswitch.follow(allDestinations(next));
            reloads.computeIfAbsent(p.name(), k -> new long[2])[0]++;
            DispatchTable t = next.table(p.name());
            // Monitoring hears of what the reload changed, not of every destination again: a new one with
            // its first state, one whose state the source replaced with the change.
            java.util.Set<String> told = new java.util.HashSet<>();
            for (Destination d : t.destinations()) {
                Integer was = before.get(d.identity());
                if (!told.add(d.identity())) {
                    continue;
                }
                if (was == null) {
                    events.initial(p.name(), d);
                } else {
                    events.changed(d, was, d.state(), "reload: state from " + p.source().describe());
                }
            }
            String done = name(p) + "reloaded " + t.destinations().size() + " destination(s) in " + t.sets().size()
                + " set(s) from " + p.source().describe() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms"
                + (override ? ", states from the source" : "");
            log.info("{}", done);
            said.add(done);
        }
        String routes = reloadRoutes();
        if (routes != null) {
            said.add(routes);
            ok = false;
        }
        return new ReloadResult(ok, String.join("; ", said));
    }

    /**
     * Every {@code socket} or {@code sockname} attribute names one of this server's listen addresses, of the
     * destination's transport: a destination whose traffic would leave from a socket we do not have is a
     * provisioning mistake, refused with the table rather than found on the first call.
     *
     * @throws IllegalArgumentException naming the destination and its attribute
     */
    static void checkSockets(SipdispatchConfig config, DispatchTable t) {
        for (Destination d : t.destinations()) {
            if (!d.namesSocket()) {
                continue;
            }
            String socket = d.record().attrs().socket();
            String name = d.record().attrs().sockname();
            io.sipdispatch.sip.SipUri uri = io.sipdispatch.sip.SipUri.tryParse(d.uri());
            String given = uri == null ? "udp" : uri.transport() != null ? uri.transport() : uri.isSips() ? "tls" : "udp";
            String tp = uri != null && uri.isSips() && given.equalsIgnoreCase("tcp") ? "tls" : given;
            boolean ok = config.listen().stream().anyMatch(l -> l.named(socket, name)
                && l.transport().paramName().equalsIgnoreCase(tp));
            if (!ok) {
                throw new IllegalArgumentException("destination " + d.uri() + " of set " + d.record().setId() + ": "
                    + (name != null ? "sockname=" + name : "socket=" + socket) + " is not a " + tp
                    + " listen address of this server (listen: " + config.listen() + ")");
            }
        }
    }

    /** Remakes the tables with the DNS cache's current answers, between reloads, never during one. */
    private synchronized void dnsChanged() {
        snapshot = snapshot.withCurrentDns();
    }

    private static ReloadResult refused(String why) {
        log.warn("{}", why);
        return new ReloadResult(false, why);
    }

    private static String name(Partition p) {
        return p.name().equals(DispatcherSettings.DEFAULT_PARTITION) ? "" : "partition " + p.name() + ": ";
    }

    /**
     * Reads the routes of the configuration file again and puts them in use; null when done, else why the
     * running routes stay. Only the routes: listen addresses, partitions and the rest take a restart.
     */
    private String reloadRoutes() {
        try {
            SipdispatchConfig next = ConfigLoader.load(configFile);
            Router router = Router.compile(next.routes(), config.dispatcher(), next.mode());
            proxy.setRouter(router);
            return null;
        } catch (ConfigException | IllegalArgumentException e) {
            String why = "routes not reloaded, the running routes stay: " + e.getMessage();
            log.warn("{}", why);
            return why;
        }
    }

    /** The tables in use. */
    public DispatchSnapshot snapshot() {
        return snapshot;
    }

    /** Per partition, {done, failed} reloads since start. */
    /** The configuration file this server was started from. */
    public Path configFile() {
        return configFile;
    }

    public Map<String, long[]> reloadCounts() {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String name : partitions.keySet()) {
            long[] c = reloads.get(name);
            out.put(name, c == null ? new long[2] : c.clone());
        }
        return out;
    }

    public DestinationEvents events() {
        return events;
    }

    /** The names of the partitions, the default one first. */
    public List<String> partitionNames() {
        return List.copyOf(partitions.keySet());
    }

    /**
     * Adds {@code record} to the running table of {@code partition} ({@code dispatcher.add}): in memory only,
     * as in Kamailio; the next reload reads the source again. Returns the destination added.
     *
     * @throws IllegalArgumentException when the partition is unknown, the destination is there already, or its
     *                                  URI gives no next hop
     */
    public synchronized Destination addDestination(String partition, DestinationRecord record) {
        DispatchTable current = requireTable(partition);
        List<DestinationRecord> records = new ArrayList<>();
        for (Destination d : current.destinations()) {
            if (d.identity().equals(record.identity())) {
                throw new IllegalArgumentException(record.uri() + " is in set " + record.setId() + " already");
            }
            records.add(d.record());
        }
        records.add(record);
        DispatchTable next = DispatchTable.build(records, current, config.dispatcher().numberingKind(),
            ReloadState.INHERIT_ALWAYS);
        snapshot = snapshot.with(partition, next);
        freeswitch.follow(allDestinations(snapshot));
        Destination added = next.destinations().stream().filter(d -> d.identity().equals(record.identity()))
            .findFirst().orElseThrow();
        events.initial(partition, added);
        return added;
    }

    /**
     * Removes the destinations of set {@code set} of {@code partition} whose URI is {@code uri}
     * ({@code dispatcher.remove}), in memory only; returns how many were removed (0: none was there).
     */
    public synchronized int removeDestination(String partition, int set, String uri) {
        DispatchTable current = requireTable(partition);
        List<DestinationRecord> records = new ArrayList<>();
        int removed = 0;
        for (Destination d : current.destinations()) {
            if (d.record().setId() == set && d.uri().equals(uri)) {
                removed++;
            } else {
                records.add(d.record());
            }
        }
        if (removed > 0) {
            snapshot = snapshot.with(partition, DispatchTable.build(records, current,
                config.dispatcher().numberingKind(), ReloadState.INHERIT_ALWAYS));
            freeswitch.follow(allDestinations(snapshot));
        }
        return removed;
    }

    private DispatchTable requireTable(String partition) {
        DispatchTable t = snapshot.table(partition);
        if (t == null) {
            throw new IllegalArgumentException("no partition '" + partition + "' (known: "
                + String.join(", ", partitions.keySet()) + ")");
        }
        return t;
    }

    private void bind() throws InterruptedException {
        try {
            transport.start();
            if (config.management() != null) {
                management = new ManagementServer(config.management(), this);
                management.start();
            }
        } catch (RuntimeException | InterruptedException e) {
            // Nothing half-started stays behind: sockets, threads, pools and the state writers close.
            close();
            throw e;
        }
        if (config.cluster() != null) {
            try {
                startCluster();
            } catch (Exception e) {
                close();
                throw new IllegalStateException("cluster " + config.cluster().clusterName() + ": " + e.getMessage(), e);
            }
        }
        snapshot.partitions().forEach(events::initial);
        proxy.startKeepalives();
        snapshot.partitions().forEach((name, t) -> log.info("dispatch table{}: {} destination(s) in {} set(s) from {}",
            name.equals(DispatcherSettings.DEFAULT_PARTITION) ? "" : " of partition " + name,
            t.destinations().size(), t.sets().size(), partitions.get(name).source().describe()));
        log.info("sipdispatch ready: {} ({} mode, {})",
            listeners.stream().map(Listener::toString).collect(Collectors.joining(" ")),
            config.mode().name().toLowerCase(), transport.nativeEpoll() ? "native epoll" : "nio");
    }

    /**
     * Joins the cluster: this node's state changes go to the others, theirs come here (with the current state
     * of all at join), and the keepalives probe what the probing mode gives this node.
     */
    private void startCluster() throws Exception {
        String jdbc = null;
        String user = null;
        String password = null;
        if (config.dispatcher().dbUrl() != null) {
            DbUrl u = DbUrl.parse(config.dispatcher().dbUrl(), config.baseDir());
            jdbc = u.jdbcUrl();
            user = u.user();
            password = u.password();
        }
        cluster = new Cluster(config.cluster(), new Cluster.Node() {
            @Override
            public Destination find(String partition, String identity) {
                return snapshot.byIdentity(partition, identity);
            }

            @Override
            public Map<String, List<Destination>> destinations() {
                Map<String, List<Destination>> all = new LinkedHashMap<>();
                snapshot.partitions().forEach((name, t) -> all.put(name, t.destinations()));
                return all;
            }

            @Override
            public void down(Destination d) {
                proxy.destinationDown(d);
            }

            @Override
            public void reload(String partition, String by) {
                // Off JGroups's delivery thread: a reload reads files and databases.
                Thread t = new Thread(() -> {
                    ReloadResult r = SipdispatchServer.this.reload(partition, false);
                    log.info("cluster: reload asked by node {}: {}", by, r.message());
                }, "cluster-reload");
                t.setDaemon(true);
                t.start();
            }
        }, events, jdbc, user, password);
        events.onSeen(cluster::seen);
        cluster.start();
        if (proxy.keepalives() != null) {
            proxy.keepalives().probeOnly(cluster::probes);
        }
    }

    /** The cluster this node belongs to, or null. */
    public Cluster cluster() {
        return cluster;
    }

    public SipProxy proxy() {
        return proxy;
    }

    public NettyTransport transport() {
        return transport;
    }

    /** SIP tracing, or null when no collector is configured. */
    public SipTracer tracer() {
        return tracer;
    }

    /**
     * The graceful stop: new requests out of a dialog are refused with {@code 503} and {@code Retry-After},
     * and the transactions under way are given up to {@code stop.grace} to get their final answers. Returns
     * when none is left or the time is up; {@link #close()} then closes everything.
     */
    public void stopGracefully() {
        StopSettings s = config.stop();
        proxy.stopTakingRequests(Math.max(1, s.retryAfter().toSeconds()));
        long deadline = System.nanoTime() + s.grace().toNanos();
        long left = proxy.counters().unansweredTransactions.sum();
        log.info("stopping: new requests are answered 503 (Retry-After {} s); {} transaction(s) under way, waiting"
            + " up to {} ms", s.retryAfter().toSeconds(), left, s.grace().toMillis());
        while (left > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(20); // a stop, not a message path: polling the counter is the simple way
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = proxy.counters().unansweredTransactions.sum();
        }
        log.info("stopping: {} transaction(s) still without a final answer", left);
    }

    /** The management API's port, or -1 when there is none. */
    public int managementPort() {
        return management == null ? -1 : management.port();
    }

    /** Every destination of every partition. */
    private static List<Destination> allDestinations(DispatchSnapshot s) {
        List<Destination> all = new ArrayList<>();
        s.partitions().values().forEach(t -> all.addAll(t.destinations()));
        return all;
    }

    /** The FreeSWITCH boxes whose heartbeats set destination weights. */
    public FreeSwitchLoads freeswitch() {
        return freeswitch;
    }

    @Override
    public void close() {
        if (management != null) {
            management.close();
        }
        freeswitch.close();
        if (cluster != null) {
            cluster.close();
        }
        transport.close(3);
        if (tracer != null) {
            tracer.close();
        }
        if (tlsContexts != null) {
            tlsContexts.close();
        }
        dns.close();
        events.close();
        snapshot.partitions().forEach((name, t) -> {
            int plain = 0;
            for (Destination d : t.destinations()) {
                if (d.state() == 0 && d.activeCalls() == 0) {
                    plain++;
                    continue;
                }
                // What the operator needs to reconcile after a stop: where each destination not simply in use
                // was left (ten thousand "active" lines would hide them).
                log.info("destination {} of set {}{} at stop: {}, {} call(s) counted", d.uri(), d.record().setId(),
                    name.equals(DispatcherSettings.DEFAULT_PARTITION) ? "" : " of partition " + name, d.view(),
                    d.activeCalls());
            }
            log.info("{} at stop: {} of {} destination(s) enabled and active with no call counted",
                name.equals(DispatcherSettings.DEFAULT_PARTITION) ? "dispatch table" : "partition " + name, plain,
                t.destinations().size());
        });
        log.info("sipdispatch stopped: {} {}", proxy.counters().snapshot(), transport.counters().snapshot());
        partitions.values().forEach(SipdispatchServer::closeQuietly);
        if (io.netty.util.ResourceLeakDetector.getLevel() == io.netty.util.ResourceLeakDetector.Level.PARANOID) {
            // A run that tracks every buffer (the tests, a leak hunt) wants its verdict: every socket is closed,
            // so whatever buffer is still unreleased has leaked.
            try {
                log.info("leak check at stop: {} Netty buffer leak(s) reported", LeakCounter.flush());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
