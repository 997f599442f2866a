package io.sipdispatch.server.config;

import java.time.Duration;

/**
 * TCP connection handling.
 *
 * @param idleTimeout    a connection with no traffic for this long is closed (Kamailio {@code tcp_connection_lifetime}, 120 s)
 * @param maxConnections the most open connections, accepted and opened together ({@code tcp_max_connections}, 4096);
 *                       one more is refused
 * @param connectTimeout how long to wait for an outgoing connection ({@code tcp_connect_timeout}, 2 s)
 */
public record TcpSettings(Duration idleTimeout, Integer maxConnections, Duration connectTimeout) {
    public static final TcpSettings DEFAULT = new TcpSettings(null, null, null);

    public TcpSettings {
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(120) : idleTimeout;
        maxConnections = maxConnections == null ? 4096 : maxConnections;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max_connections must be at least 1");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }
}
