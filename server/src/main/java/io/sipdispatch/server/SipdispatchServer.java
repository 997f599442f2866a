package io.sipdispatch.server;

import io.sipdispatch.dispatcher.DestinationRecord;
import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.server.config.ConfigException;
import io.sipdispatch.server.config.ConfigLoader;
import io.sipdispatch.server.config.SipdispatchConfig;
import io.sipdispatch.server.events.DestinationEvents;
import io.sipdispatch.server.proxy.DispatchSnapshot;
import io.sipdispatch.server.proxy.Myself;
import io.sipdispatch.server.proxy.ProxyCounters;
import io.sipdispatch.server.proxy.Router;
import io.sipdispatch.server.proxy.SipProxy;
import io.sipdispatch.server.source.ListFile;
import io.sipdispatch.server.source.ListFileException;
import io.sipdispatch.server.transport.Listener;
import io.sipdispatch.server.transport.MessageSink;
import java.net.InetSocketAddress;
import io.sipdispatch.server.transport.NettyTransport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    private final List<Listener> listeners;
    private final NettyTransport transport;
    private final SipProxy proxy;
    private volatile DispatchSnapshot snapshot;
    private final DestinationEvents events;

    private SipdispatchServer(SipdispatchConfig config, DispatchSnapshot snapshot, Router router) {
        this.config = config;
        this.snapshot = snapshot;
        this.listeners = new ArrayList<>();
        for (int i = 0; i < config.listen().size(); i++) {
            listeners.add(new Listener(config.listen().get(i), i));
        }
        Myself myself = new Myself(listeners, config.aliases());
        SipProxy[] p = new SipProxy[1];
        // The transport needs the proxy to deliver to, and the proxy the transport to send with.
        MessageSink sink = new MessageSink() {
            @Override
            public void onMessage(byte[] b, int off, int len, Listener in, InetSocketAddress src, Object conn) {
                p[0].onMessage(b, off, len, in, src, conn);
            }

            @Override
            public void unreachable(Listener via, InetSocketAddress peer) {
                p[0].unreachable(via, peer);
            }
        };
        this.transport = new NettyTransport(listeners, sink, config.tcp(), config.udp());
        this.events = new DestinationEvents(config.events(), java.time.Clock.systemUTC());
        this.proxy = new SipProxy(config, listeners, myself, router, () -> this.snapshot, transport, transport,
            new ProxyCounters(), events);
        p[0] = proxy;
    }

    /**
     * Everything that can be checked without binding a socket: the configuration, the list file, the routes.
     *
     * @throws ConfigException with file, line and reason
     */
    public static Prepared prepare(Path configFile) throws ConfigException {
        SipdispatchConfig config = ConfigLoader.load(configFile);
        List<DestinationRecord> records;
        try {
            records = ListFile.read(config.listFile());
        } catch (ListFileException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        DispatchSnapshot snap;
        try {
            snap = new DispatchSnapshot(DispatchTable.build(records, null, config.dispatcher().numberingKind()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.listFile() + ": " + e.getMessage(), e);
        }
        Router router;
        try {
            router = Router.compile(config.routes(), config.dispatcher(), config.mode());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(configFile + ": " + e.getMessage(), e);
        }
        for (int set : new java.util.TreeSet<>(router.setIds())) {
            if (snap.table().set(set) == null) {
                // Not an error: a reload or a later list may bring the set; until then the route answers
                // its when_none_left reply.
                log.warn("{}: routes dispatch to set {}, which {} does not have", configFile, set, config.listFile());
            }
        }
        return new Prepared(config, snap, router);
    }

    /** A checked configuration, ready to start. */
    public record Prepared(SipdispatchConfig config, DispatchSnapshot snapshot, Router router) {
        public SipdispatchServer start() throws InterruptedException {
            SipdispatchServer s = new SipdispatchServer(config, snapshot, router);
            s.bind();
            return s;
        }
    }

    private void bind() throws InterruptedException {
        transport.start();
        events.initial(snapshot.table());
        proxy.startKeepalives();
        DispatchTable t = snapshot.table();
        log.info("dispatch table: {} destination(s) in {} set(s) from {}", t.destinations().size(), t.sets().size(),
            config.listFile());
        log.info("sipdispatch ready: {} ({} mode, {})",
            listeners.stream().map(Listener::toString).collect(Collectors.joining(" ")),
            config.mode().name().toLowerCase(), transport.nativeEpoll() ? "native epoll" : "nio");
    }

    public SipProxy proxy() {
        return proxy;
    }

    public NettyTransport transport() {
        return transport;
    }

    @Override
    public void close() {
        transport.close(3);
        events.close();
        log.info("sipdispatch stopped: {} {}", proxy.counters().snapshot(), transport.counters().snapshot());
    }
}
