package io.sipdispatch.server.management;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.sipdispatch.server.SipdispatchServer;
import io.sipdispatch.server.config.HostPort;
import io.sipdispatch.server.config.ManagementSettings;
import io.sipdispatch.server.config.ManagementUser;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management HTTP server, apart from the SIP event loops: JSON-RPC 2.0 at {@code POST /RPC} (Kamailio's
 * {@code jsonrpcs} path; {@code /mi} as OpenSIPS's {@code mi_http} is the same), Prometheus metrics at
 * {@code GET /metrics}, and the dashboard at {@code GET /} (plain HTML, JavaScript and CSS from the jar, which
 * calls the same JSON-RPC API). One I/O thread reads and writes; the commands run one at a time on a worker of their
 * own, so that a reload never holds the HTTP thread. With users configured, every request needs HTTP basic
 * or bearer credentials; the role decides what it may change.
 */
public final class ManagementServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);
    /** The largest request body: a JSON-RPC batch is small. */
    static final int MAX_BODY = 1 << 20;

    private final ManagementSettings settings;
    private final JsonRpc rpc;
    private final Metrics metrics;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sipdispatch-management");
        t.setDaemon(true);
        return t;
    });
    private Channel channel;
    /** Whether the API listens on a loopback address, where a Host must be an address or localhost. */
    private final boolean loopback;

    public ManagementServer(ManagementSettings settings, SipdispatchServer server) {
        this.settings = settings;
        HostPort hp = settings.hostPort();
        boolean lo;
        try {
            lo = java.net.InetAddress.getByName(hp.literal()).isLoopbackAddress(); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            lo = false;
        }
        this.loopback = lo;
        this.rpc = new JsonRpc(new DispatcherRpc(server));
        this.metrics = new Metrics(server);
    }

    /** Binds the configured address. */
    public void start() throws InterruptedException {
        HostPort hp = settings.hostPort();
        ServerBootstrap b = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY), new Handler());
                }
            });
        channel = b.bind(new InetSocketAddress(hp.literal(), hp.port())).sync().channel();
        String host = hp.literal().contains(":") ? "[" + hp.literal() + "]" : hp.literal();
        log.info("management API on http://{}:{}/RPC and /metrics ({})", host, port(),
            settings.authenticated() ? settings.users().size() + " user(s)" : "loopback, no users");
    }

    /** The port bound (the configured one, or the one the system gave for port 0). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close();
        }
        worker.shutdown();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** Runs {@code task} on the worker; whatever it throws is answered 500, never a request left hanging. */
    private void work(ChannelHandlerContext ctx, boolean keepAlive, Runnable task) {
        worker.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("management: a request failed", e);
                send(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain", "failed: " + e + "\n", keepAlive);
            }
        });
    }

    /**
     * Why {@code req} is refused as coming from another site, or null. A page in the operator's browser must
     * not reach the API: not by a cross-site request ({@code Origin} names another host than {@code Host}),
     * and not by DNS rebinding (a name of the attacker's pointed at this address: on a loopback API only an
     * address or {@code localhost} may be the {@code Host}).
     */
    String crossSite(FullHttpRequest req) {
        String host = req.headers().get(HttpHeaderNames.HOST);
        if (host == null) {
            return null; // HTTP/1.0 tools; browsers always send Host
        }
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !origin.equals("null")) {
            int scheme = origin.indexOf("://");
            String originHost = scheme < 0 ? origin : origin.substring(scheme + 3);
            if (!originHost.equalsIgnoreCase(host)) {
                return "cross-site request refused: Origin " + origin + " is not this server (" + host + ")";
            }
        }
        if (loopback) {
            String name = host.startsWith("[") ? host.substring(1, Math.max(1, host.indexOf(']')))
                : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
            if (!name.equalsIgnoreCase("localhost") && !HostPort.parse(name, 80).isIpLiteral()) {
                return "refused: Host " + host + " is not an address of this loopback API";
            }
        }
        return null;
    }

    /** The caller of {@code req}, or null when it must authenticate and did not. */
    Caller authenticate(FullHttpRequest req, InetSocketAddress from) {
        String addr = from == null ? "?" : from.getAddress().getHostAddress();
        if (!settings.authenticated()) {
            return new Caller("anonymous", addr, true);
        }
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (auth == null) {
            return null;
        }
        if (auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            byte[] given = auth.substring(7).trim().getBytes(StandardCharsets.UTF_8);
            for (ManagementUser u : settings.users()) {
                if (u.token() != null && MessageDigest.isEqual(given, u.token().getBytes(StandardCharsets.UTF_8))) {
                    return new Caller(u.name(), addr, u.writes());
                }
            }
            return null;
        }
        if (auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int c = pair.indexOf(':');
            if (c < 0) {
                return null;
            }
            String name = pair.substring(0, c);
            byte[] given = pair.substring(c + 1).getBytes(StandardCharsets.UTF_8);
            for (ManagementUser u : settings.users()) {
                if (u.password() != null && u.name().equals(name)
                    && MessageDigest.isEqual(given, u.password().getBytes(StandardCharsets.UTF_8))) {
                    return new Caller(u.name(), addr, u.writes());
                }
            }
        }
        return null;
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!req.decoderResult().isSuccess()) {
                send(ctx, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request\n", false);
                return;
            }
            String refused = crossSite(req);
            if (refused != null) {
                send(ctx, HttpResponseStatus.FORBIDDEN, "text/plain", refused + "\n", false);
                return;
            }
            Caller who = authenticate(req, (InetSocketAddress) ctx.channel().remoteAddress());
            if (who == null) {
                FullHttpResponse r = response(HttpResponseStatus.UNAUTHORIZED, "text/plain",
                    "credentials needed: HTTP basic (user and password) or a bearer token\n");
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"sipdispatch\"");
                // The connection stays open: a browser asks again with credentials on the same one.
                send(ctx, r, keepAlive);
                return;
            }
            String path = req.uri();
            int q = path.indexOf('?');
            path = q < 0 ? path : path.substring(0, q);
            if ((path.equals("/RPC") || path.equals("/mi") || path.equals("/rpc")) && req.method() == HttpMethod.POST) {
                String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
                if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
                    // A browser sends a cross-site POST without asking only with a "simple" type: requiring
                    // JSON makes it ask first (a preflight), which this server never grants.
                    send(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "text/plain",
                        "JSON-RPC needs Content-Type: application/json\n", keepAlive);
                    return;
                }
                byte[] body = new byte[req.content().readableBytes()];
                req.content().readBytes(body);
                work(ctx, keepAlive, () -> {
                    byte[] out = rpc.handle(body, who);
                    if (out == null) {
                        send(ctx, HttpResponseStatus.NO_CONTENT, "application/json", "", keepAlive);
                    } else {
                        send(ctx, HttpResponseStatus.OK, "application/json", out, keepAlive);
                    }
                });
            } else if (path.equals("/metrics") && req.method() == HttpMethod.GET) {
                work(ctx, keepAlive, () -> send(ctx, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.scrape(), keepAlive));
            } else if (req.method() == HttpMethod.GET && (path.equals("/") || path.startsWith("/dashboard/"))) {
                Asset a = Asset.of(path.equals("/") ? "/dashboard/index.html" : path);
                if (a == null) {
                    send(ctx, HttpResponseStatus.NOT_FOUND, "text/plain", "no such file\n", keepAlive);
                } else {
                    send(ctx, HttpResponseStatus.OK, a.type(), a.bytes(), keepAlive);
                }
            } else {
                send(ctx, HttpResponseStatus.NOT_FOUND, "text/plain",
                    "not here: POST /RPC (JSON-RPC 2.0), GET /metrics, GET / (the dashboard)\n", keepAlive);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("management connection: {}", cause.toString());
            ctx.close();
        }
    }

    /** A file of the dashboard, shipped in the jar. */
    record Asset(String type, byte[] bytes) {
        private static final java.util.Map<String, Asset> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

        /** The dashboard file at {@code path} ({@code /dashboard/NAME}), or null when there is none. */
        static Asset of(String path) {
            String name = path.substring("/dashboard/".length());
            if (!name.matches("[a-z]+\\.(html|js|css)")) {
                return null; // nothing but the dashboard's own files: no path games
            }
            return CACHE.computeIfAbsent(name, n -> {
                try (java.io.InputStream in = ManagementServer.class.getResourceAsStream("dashboard/" + n)) {
                    if (in == null) {
                        return null;
                    }
                    String type = n.endsWith(".html") ? "text/html; charset=utf-8"
                        : n.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
                    return new Asset(type, in.readAllBytes());
                } catch (java.io.IOException e) {
                    return null;
                }
            });
        }
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, String body) {
        return response(status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    private static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body,
                             boolean keepAlive) {
        send(ctx, status, type, body.getBytes(StandardCharsets.UTF_8), keepAlive);
    }

    private static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String type, byte[] body,
                             boolean keepAlive) {
        send(ctx, response(status, type, body), keepAlive);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        // HTTP/1.1 keeps a connection unless told otherwise, so one this server closes says so: a client that
        // pooled it would send its next request into a closed socket and get no answer.
        HttpUtil.setKeepAlive(r, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(r);
        } else {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
