package io.sipdispatch.server.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.sipdispatch.server.config.TcpSettings;
import io.sipdispatch.server.config.Transport;
import io.sipdispatch.server.config.UdpSettings;
import io.sipdispatch.server.proxy.Outbound;
import io.sipdispatch.server.proxy.Shards;
import io.sipdispatch.server.proxy.TransactionScheduler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sockets: UDP and TCP listeners on Netty event loops, native epoll on Linux (NIO elsewhere). With epoll
 * each loop has its own UDP socket on each UDP address (SO_REUSEPORT), so the kernel spreads datagrams over
 * the loops and a message is handled and answered on the loop that read it. TCP connections, accepted and
 * opened, are kept in one table by remote address: a response goes back on the connection its request came
 * on (RFC 3261 §18.2.2) and requests to a destination reuse an open connection.
 */
public final class NettyTransport implements Outbound, Shards, AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(NettyTransport.class);

    /** The index of the event loop the current thread runs, set by the loop's own handlers. */
    static final FastThreadLocal<Integer> LOOP = new FastThreadLocal<>() {
        @Override
        protected Integer initialValue() {
            return 0;
        }
    };
    private static final FastThreadLocal<List<Channel>> DIRTY = new FastThreadLocal<>() {
        @Override
        protected List<Channel> initialValue() {
            return new ArrayList<>(4);
        }
    };
    private static final FastThreadLocal<boolean[]> IN_BATCH = new FastThreadLocal<>() {
        @Override
        protected boolean[] initialValue() {
            return new boolean[1];
        }
    };

    /** The largest datagram read whole (RFC 3261 §18.1.1 allows up to 65535 bytes over UDP). */
    static final int MAX_DATAGRAM = 65535;
    /**
     * The most datagrams read from a socket in one go before the loop turns to its other work. More than one
     * so that what the batch sends goes out in one flush (sendmmsg), and so that a full batch tells the
     * socket's queue was not emptied ({@link ReadBacklog}).
     */
    static final int READ_BATCH = 32;

    final TransportCounters counters = new TransportCounters();
    private final List<Listener> listeners;
    private final MessageSink sink;
    private final TcpSettings tcp;
    private final UdpSettings udp;
    private final boolean epoll;
    private final EventLoopGroup group;
    private final List<EventLoop> loops = new ArrayList<>();
    private final Channel[][] udpChannels;
    private final List<Channel> servers = new ArrayList<>();
    private final ConcurrentHashMap<InetSocketAddress, Channel> connections = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetSocketAddress, ChannelFuture> connecting = new ConcurrentHashMap<>();
    private final AtomicInteger openConnections = new AtomicInteger();
    /**
     * Per event loop, per listener and destination: a UDP socket on the listener's address connected to the
     * destination, so that ICMP errors for it are heard (an unconnected socket never sees them). Touched only
     * by its own loop. A null value means "being connected".
     */
    private final List<Map<InetSocketAddress, Channel>[]> connectedUdp = new ArrayList<>();
    /** The most destinations each loop keeps a connected socket for; beyond, the shared socket sends. */
    static final int MAX_CONNECTED_PER_LOOP = 1024;
    /** TLS contexts; null when no TLS is configured. */
    private final TlsContexts tls;
    /** How late the loops run what is due (for the metrics; finer and logged when the system property asks). */
    private LoopLagProbe lagProbe;
    /** How full the listening UDP sockets' kernel queues are; null unless asked for, or where unreadable. */
    private SocketQueues queues;
    /** Per loop: the backlog of the UDP socket whose datagram the loop is handling (set before each one). */
    private final ReadBacklog[] reading;
    /** Per listener: the destinations whose home loop has been asked, by another loop, to connect a socket. */
    private final Set<InetSocketAddress>[] connectAsked;

    public NettyTransport(List<Listener> listeners, MessageSink sink, TcpSettings tcp, UdpSettings udp) {
        this(listeners, sink, tcp, udp, null);
    }

    /** With {@code tls} for the TLS listen addresses and the connections opened to TLS destinations. */
    public NettyTransport(List<Listener> listeners, MessageSink sink, TcpSettings tcp, UdpSettings udp,
                          TlsContexts tls) {
        this.tls = tls;
        this.listeners = List.copyOf(listeners);
        this.sink = sink;
        this.tcp = tcp;
        this.udp = udp;
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(udp.workerCount(), io);
        for (EventExecutor e : group) {
            loops.add((EventLoop) e);
        }
        this.udpChannels = new Channel[listeners.size()][];
        @SuppressWarnings("unchecked")
        Set<InetSocketAddress>[] askedSets = new Set[listeners.size()];
        for (int j = 0; j < askedSets.length; j++) {
            askedSets[j] = ConcurrentHashMap.newKeySet();
        }
        this.connectAsked = askedSets;
        this.reading = new ReadBacklog[loops.size()];
        for (int i = 0; i < loops.size(); i++) {
            @SuppressWarnings("unchecked")
            Map<InetSocketAddress, Channel>[] perListener = new Map[listeners.size()];
            for (int j = 0; j < perListener.length; j++) {
                perListener[j] = new HashMap<>();
            }
            connectedUdp.add(perListener);
        }
    }

    // ---- shards: the event loops --------------------------------------------------------------------

    /**
     * The loop whose socket connected to {@code peer} reads what {@code peer} sends: the loop to do the work
     * for that peer (its keepalives, for one) so that the answers need no hand-over.
     */
    @Override
    public int homeLoop(InetSocketAddress peer) {
        return Math.floorMod(peer.hashCode() * 0x9E3779B9, loops.size());
    }

    /** The loops' lag probe; null before {@link #start()}. */
    public LoopLagProbe lagProbe() {
        return lagProbe;
    }

    /** Tasks waiting on each loop, for the metrics. */
    public int[] pendingTasks() {
        int[] out = new int[loops.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = loops.get(i) instanceof io.netty.util.concurrent.SingleThreadEventExecutor e ? e.pendingTasks() : 0;
        }
        return out;
    }

    @Override
    public int count() {
        return loops.size();
    }

    @Override
    public int current() {
        int i = LOOP.get();
        if (i < loops.size() && loops.get(i).inEventLoop()) {
            return i;
        }
        for (int k = 0; k < loops.size(); k++) {
            if (loops.get(k).inEventLoop()) {
                LOOP.set(k);
                return k;
            }
        }
        return -1;
    }

    @Override
    public void execute(int shard, Runnable task) {
        loops.get(shard).execute(() -> {
            LOOP.set(shard);
            task.run();
        });
    }

    @Override
    public TransactionScheduler scheduler(int shard) {
        EventLoop loop = loops.get(shard);
        return (delayMillis, task) -> {
            ScheduledFuture<?> f = loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        };
    }

    public boolean nativeEpoll() {
        return epoll;
    }

    public TransportCounters counters() {
        return counters;
    }

    /** How many UDP sockets read {@code l}'s address: one per event loop with epoll, else one. */
    public int udpSocketCount(Listener l) {
        Channel[] c = udpChannels[l.index()];
        return c == null ? 0 : c.length;
    }

    public int openConnections() {
        return openConnections.get();
    }

    /** Binds every listener; throws when one cannot be bound. */
    public void start() throws InterruptedException {
        for (Listener l : listeners) {
            if (l.transport() == Transport.UDP) {
                bindUdp(l);
            } else {
                bindTcp(l);
            }
        }
        lagProbe = LoopLagProbe.start(loops);
    }

    private void bindUdp(Listener l) throws InterruptedException {
        int n = epoll ? loops.size() : 1;
        Channel[] chans = new Channel[n];
        for (int i = 0; i < n; i++) {
            final int loop = i;
            UdpHandler handler = new UdpHandler(l, sink, this, loop);
            Bootstrap b = new Bootstrap()
                .group(loops.get(i))
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, udp.receiveBuffer())
                .option(ChannelOption.SO_SNDBUF, udp.sendBuffer())
                .option(ChannelOption.RCVBUF_ALLOCATOR, udpAllocator())
                .handler(handler);
            if (epoll) {
                b.option(EpollChannelOption.SO_REUSEPORT, true);
            }
            chans[i] = b.bind(l.bound()).sync().channel();
            if (queues != null && chans[i] instanceof EpollDatagramChannel e) {
                queues.watch(e.fd().intValue(), handler.backlog(), e.config().getOption(ChannelOption.SO_RCVBUF));
            }
        }
        int got = chans[0].config().getOption(ChannelOption.SO_RCVBUF);
        if (got < udp.receiveBuffer()) {
            // The kernel caps SO_RCVBUF at net.core.rmem_max; bursts beyond the buffer are dropped.
            log.warn("{}: UDP receive buffer is {} bytes, not the {} configured: raise net.core.rmem_max to get it",
                l, got, udp.receiveBuffer());
        }
        udpChannels[l.index()] = chans;
    }

    private void bindTcp(Listener l) throws InterruptedException {
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap b = new ServerBootstrap()
            .group(group)
            .channel(type)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    // Counted here, when accepted, not when active: one accept batch can bring many.
                    if (openConnections.incrementAndGet() > tcp.maxConnections()) {
                        openConnections.decrementAndGet();
                        counters.tcpRefused.increment();
                        ch.close();
                        return;
                    }
                    ch.closeFuture().addListener(f -> openConnections.decrementAndGet());
                    counters.tcpAccepted.increment();
                    if (l.transport().secure()) {
                        ch.pipeline().addLast(tls.serverHandler(ch.alloc()));
                    }
                    if (l.transport().webSocket()) {
                        webSocketPipeline(ch, l);
                    } else {
                        pipeline(ch, l);
                    }
                }
            });
        servers.add(b.bind(l.bound()).sync().channel());
    }

    private void pipeline(Channel ch, Listener l) {
        long idle = tcp.idleTimeout().toMillis();
        ch.pipeline().addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
        ch.pipeline().addLast(new Tracker());
        ch.pipeline().addLast(new TcpHandler(l, sink, this));
    }

    /**
     * A WebSocket connection (RFC 7118): the HTTP upgrade with subprotocol {@code sip} on any path, then one
     * SIP message per WebSocket message; it joins the connection table once the upgrade is done.
     */
    private void webSocketPipeline(Channel ch, Listener l) {
        long idle = tcp.idleTimeout().toMillis();
        ch.pipeline().addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
        ch.pipeline().addLast(new HttpServerCodec());
        ch.pipeline().addLast(new HttpObjectAggregator(MAX_DATAGRAM));
        ch.pipeline().addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
            .websocketPath("/").checkStartsWith(true).subprotocols(WebSocketHandler.SUBPROTOCOL)
            .maxFramePayloadLength(MAX_DATAGRAM).build()));
        ch.pipeline().addLast(new WebSocketFrameAggregator(MAX_DATAGRAM));
        ch.pipeline().addLast(new WebSocketHandler(l, sink, this));
        ch.pipeline().addLast(new WebSocketHandler.Encoder());
    }

    /** Puts a connection in the table until it closes (a WebSocket once upgraded). */
    void register(Channel ch) {
        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
        connections.put(remote, ch);
        ch.closeFuture().addListener(f -> connections.remove(remote, ch));
    }

    /** Keeps the connection table: in while open, out when closed. */
    private final class Tracker extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            register(ctx.channel());
            super.channelActive(ctx);
        }
    }

    // ---- sending --------------------------------------------------------------------------------------

    @Override
    public void send(Listener via, InetSocketAddress to, byte[] bytes, Object connection) {
        if (connection instanceof Channel ch) {
            ch.writeAndFlush(Unpooled.wrappedBuffer(bytes), ch.voidPromise());
            return;
        }
        if (via.transport() == Transport.UDP) {
            sendUdp(via, to, bytes);
        } else {
            sendTcp(via, to, bytes, null);
        }
    }

    @Override
    public void sendRequest(Listener via, InetSocketAddress to, byte[] bytes, Runnable onFailure) {
        if (via.transport() == Transport.UDP) {
            Channel c = epoll ? connectedUdp(via, to) : null;
            if (c == null) {
                sendUdp(via, to, bytes);
            } else {
                write(c, Unpooled.wrappedBuffer(bytes));
            }
        } else {
            sendTcp(via, to, bytes, onFailure);
        }
    }

    /**
     * This loop's socket connected to {@code to}, or null while it is being connected (or when the calling
     * thread is not an event loop): the caller sends from the shared socket meanwhile.
     */
    private Channel connectedUdp(Listener via, InetSocketAddress to) {
        int loop = current();
        int home = homeLoop(to);
        if (loop < 0 || loop != home) {
            // One connected socket per destination, on its home loop: two sockets connected to the same peer
            // would share its datagrams in a way no loop could predict. Other loops send from the shared socket;
            // the destination's answers and ICMP errors all come to the home loop's connected socket, which the
            // kernel prefers to the shared one for the ICMP error of a datagram either of them sent. So the
            // home loop must open it even when it never sends there itself: it is asked once.
            Set<InetSocketAddress> asked = connectAsked[via.index()];
            if (!asked.contains(to) && asked.size() < MAX_CONNECTED_PER_LOOP * loops.size() && asked.add(to)) {
                execute(home, () -> connectedUdp(via, to));
            }
            return null;
        }
        Map<InetSocketAddress, Channel> m = connectedUdp.get(loop)[via.index()];
        Channel c = m.get(to);
        if (c != null) {
            return c.isActive() ? c : null;
        }
        if (m.containsKey(to) || m.size() >= MAX_CONNECTED_PER_LOOP) {
            return null;
        }
        m.put(to, null);
        Bootstrap b = new Bootstrap()
            .group(loops.get(loop))
            .channel(EpollDatagramChannel.class)
            .option(EpollChannelOption.SO_REUSEPORT, true)
            .option(ChannelOption.SO_RCVBUF, udp.receiveBuffer())
            .option(ChannelOption.SO_SNDBUF, udp.sendBuffer())
            .option(ChannelOption.RCVBUF_ALLOCATOR, udpAllocator())
            .handler(new UdpHandler(via, sink, this, loop, to));
        b.connect(to, via.bound()).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                counters.udpConnectedSockets.increment();
                m.put(to, f.channel());
                f.channel().closeFuture().addListener(x -> {
                    m.remove(to, f.channel());
                    connectAsked[via.index()].remove(to);
                });
            } else {
                m.remove(to);
                connectAsked[via.index()].remove(to);
                log.debug("no connected socket {} -> {}: {}", via, to, f.cause().toString());
            }
        });
        return null;
    }

    private void write(Channel ch, Object msg) {
        if (IN_BATCH.get()[0] && ch.eventLoop().inEventLoop()) {
            ch.write(msg, ch.voidPromise());
            List<Channel> dirty = DIRTY.get();
            if (!dirty.contains(ch)) {
                dirty.add(ch);
            }
        } else {
            ch.writeAndFlush(msg, ch.voidPromise());
        }
    }

    private void sendUdp(Listener via, InetSocketAddress to, byte[] bytes) {
        Channel[] chans = udpChannels[via.index()];
        Channel ch = chans[LOOP.get() % chans.length];
        write(ch, new DatagramPacket(Unpooled.wrappedBuffer(bytes), to));
    }

    @Override
    public void batch(Runnable sends) {
        if (IN_BATCH.get()[0]) {
            sends.run();
            return;
        }
        batchStarted();
        try {
            sends.run();
        } finally {
            batchEnded();
        }
    }

    /** Called by a UDP handler before it hands a datagram to the proxy. */
    void batchStarted() {
        IN_BATCH.get()[0] = true;
    }

    /**
     * Keeps how full each listening UDP socket's kernel queue is (for overload shedding), from Linux's
     * {@code /proc/net/udp} every 20 ms. Call before {@link #start()}; nothing is read unless asked.
     */
    public void watchQueues() {
        if (epoll && queues == null) {
            queues = SocketQueues.start();
        }
    }

    private static RecvByteBufAllocator udpAllocator() {
        return new FixedRecvByteBufAllocator(MAX_DATAGRAM).maxMessagesPerRead(READ_BATCH);
    }

    /** The UDP socket whose datagram the current loop {@code loop} is about to hand to the proxy. */
    void reading(int loop, ReadBacklog backlog) {
        reading[loop] = backlog;
    }

    @Override
    public long behindNanos() {
        ReadBacklog b = readingNow();
        return b == null ? 0 : b.behindFor(System.nanoTime());
    }

    /** The backlog of the UDP socket whose datagram this loop is handling; null off the loops. */
    private ReadBacklog readingNow() {
        int i = LOOP.get();
        return i < reading.length && loops.get(i).inEventLoop() ? reading[i] : null;
    }

    @Override
    public float queueFill() {
        ReadBacklog b = readingNow();
        return b == null ? -1 : b.fill();
    }

    @Override
    public boolean queueShrinking() {
        ReadBacklog b = readingNow();
        return b != null && b.shrinking();
    }

    /** Called at the end of a read batch: one flush per socket written. */
    void batchEnded() {
        IN_BATCH.get()[0] = false;
        List<Channel> dirty = DIRTY.get();
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flush();
        }
        dirty.clear();
    }

    @Override
    public void sendResponse(Listener via, InetSocketAddress to, InetSocketAddress fallback, byte[] bytes) {
        Channel ch = connections.get(to);
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(Unpooled.wrappedBuffer(bytes), ch.voidPromise());
        } else {
            sendTcp(via, fallback, bytes, null);
        }
    }

    private void sendTcp(Listener via, InetSocketAddress to, byte[] bytes, Runnable onFailure) {
        Channel ch = connections.get(to);
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(Unpooled.wrappedBuffer(bytes), ch.voidPromise());
            return;
        }
        if (via.transport().webSocket()) {
            // A WebSocket peer is reached only on the connection it opened: this server opens none.
            counters.sendFailed.increment();
            if (onFailure != null) {
                onFailure.run();
            }
            return;
        }
        ChannelFuture f = connecting.get(to);
        if (f == null) {
            if (openConnections.get() + connecting.size() >= tcp.maxConnections()) {
                counters.tcpRefused.increment();
                if (onFailure != null) {
                    onFailure.run();
                }
                return;
            }
            f = connecting.computeIfAbsent(to, k -> connect(via, k));
        }
        f.addListener((ChannelFuture done) -> {
            if (done.isSuccess()) {
                done.channel().writeAndFlush(Unpooled.wrappedBuffer(bytes), done.channel().voidPromise());
            } else {
                counters.sendFailed.increment();
                if (onFailure != null) {
                    onFailure.run();
                }
            }
        });
    }

    private ChannelFuture connect(Listener via, InetSocketAddress to) {
        counters.tcpOpened.increment();
        Bootstrap b = new Bootstrap()
            .group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) tcp.connectTimeout().toMillis())
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    openConnections.incrementAndGet();
                    ch.closeFuture().addListener(f -> openConnections.decrementAndGet());
                    if (via.transport() == Transport.TLS) {
                        ch.pipeline().addLast(tls.clientHandler(ch.alloc(), peerName(to), to.getPort()));
                    }
                    pipeline(ch, via);
                }
            });
        ChannelFuture f = via.spec().wildcard()
            ? b.connect(to)
            : b.connect(to, new InetSocketAddress(via.bound().getAddress(), 0));
        f.addListener((ChannelFuture done) -> {
            // In the table before it leaves 'connecting': the connect promise completes before channelActive,
            // and a send in between must find this connection rather than open a second one.
            if (done.isSuccess()) {
                connections.put(to, done.channel());
            } else {
                counters.tcpConnectFailed.increment();
            }
            connecting.remove(to, done);
        });
        return f;
    }

    /**
     * The name a destination's address was resolved from, sent as SNI and checked against the certificate;
     * the address itself when it has none. Read from what the address carries: never a reverse lookup.
     */
    static String peerName(InetSocketAddress to) {
        return to.getHostString(); // the name it carries, else the address as text: never a lookup
    }

    /** Closes every socket and stops the loops, waiting at most {@code seconds}. */
    public void close(int seconds) {
        if (queues != null) {
            queues.close();
        }
        if (lagProbe != null) {
            lagProbe.close();
        }
        for (Channel[] chans : udpChannels) {
            if (chans != null) {
                for (Channel c : chans) {
                    c.close();
                }
            }
        }
        for (Channel c : servers) {
            c.close();
        }
        for (Channel c : connections.values()) {
            c.close();
        }
        for (EventLoop loop : loops) {
            // The connected sockets belong to their loops: closed there.
            int k = loops.indexOf(loop);
            loop.execute(() -> {
                for (Map<InetSocketAddress, Channel> m : connectedUdp.get(k)) {
                    for (Channel c : new ArrayList<>(m.values())) {
                        if (c != null) {
                            c.close();
                        }
                    }
                }
            });
        }
        group.shutdownGracefully(0, seconds, TimeUnit.SECONDS).awaitUninterruptibly(seconds + 1L, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        close(2);
    }
}
