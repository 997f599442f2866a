package io.sipdispatch.server.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.sipdispatch.server.config.TlsSettings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS contexts of the transports: one for the connections accepted on {@code tls:} listen addresses, one
 * for the connections opened to TLS destinations; TLS 1.2 and 1.3 only. The certificate and key files are
 * looked at every {@code reload_check}: a changed pair is loaded and used for every new connection from then
 * on, without a restart; connections already up keep theirs. A pair that does not load is logged and the
 * running one stays.
 */
public final class TlsContexts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final TlsSettings settings;
    private final Path certificate;
    private final Path key;
    private final Path ca;
    private volatile SslContext server;
    private volatile SslContext client;
    private volatile long loadedStamp;
    private final ScheduledExecutorService watcher;

    /**
     * @param baseDir the configuration file's folder, against which the paths are resolved
     * @throws IllegalArgumentException when the files do not load, saying which and why
     */
    public TlsContexts(TlsSettings settings, Path baseDir) {
        this.settings = settings;
        this.certificate = resolve(baseDir, settings.certificate());
        this.key = resolve(baseDir, settings.privateKey());
        this.ca = settings.ca() == null ? null : resolve(baseDir, settings.ca());
        try {
            load();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("tls: cannot load " + certificate + " and " + key + ": " + reason(e), e);
        }
        long every = settings.reloadCheck().toMillis();
        if (every > 0) {
            watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sipdispatch-tls-watch");
                t.setDaemon(true);
                return t;
            });
            watcher.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        } else {
            watcher = null;
        }
    }

    private static Path resolve(Path base, String p) {
        Path path = Path.of(p);
        return base == null || path.isAbsolute() ? path : base.resolve(path);
    }

    private long stamp() {
        try {
            long s = Files.getLastModifiedTime(certificate).toMillis() * 31 + Files.getLastModifiedTime(key).toMillis();
            return s * 31 + Files.size(certificate) + Files.size(key);
        } catch (java.io.IOException e) {
            return loadedStamp; // a file being replaced: looked at again next time
        }
    }

    private void load() throws SSLException {
        long stamp = stamp();
        File cert = certificate.toFile();
        File k = key.toFile();
        SslContextBuilder s = SslContextBuilder.forServer(cert, k).sslProvider(SslProvider.JDK).protocols(PROTOCOLS);
        if (settings.verifyClient()) {
            s.trustManager(ca.toFile()).clientAuth(ClientAuth.REQUIRE);
        }
        SslContextBuilder c = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(PROTOCOLS)
            .keyManager(cert, k); // presented when a destination asks for a client certificate
        if (!settings.verifyServer()) {
            c.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (ca != null) {
            c.trustManager(ca.toFile());
        }
        SslContext nextServer = s.build();
        SslContext nextClient = c.build();
        server = nextServer;
        client = nextClient;
        loadedStamp = stamp;
    }

    /** Loads the files again when they have changed since the last load. */
    void check() {
        if (stamp() == loadedStamp) {
            return;
        }
        try {
            load();
            log.info("tls: {} and {} loaded again; new connections use them", certificate, key);
        } catch (SSLException | RuntimeException e) {
            log.warn("tls: {} and {} do not load ({}); the running certificate stays", certificate, key, reason(e));
            loadedStamp = stamp(); // said once per change, not every check
        }
    }

    /** The handler of a connection accepted on a TLS listen address. */
    SslHandler serverHandler(ByteBufAllocator alloc) {
        return server.newHandler(alloc);
    }

    /** The handler of a connection opened to {@code host} (sent as SNI when it is a name) at {@code port}. */
    SslHandler clientHandler(ByteBufAllocator alloc, String host, int port) {
        SslHandler h = client.newHandler(alloc, host, port);
        if (settings.verifyServer()) {
            // Check the destination's name (or address) against its certificate, as HTTPS does.
            javax.net.ssl.SSLParameters p = h.engine().getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            h.engine().setSSLParameters(p);
        }
        return h;
    }

    private static String reason(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
