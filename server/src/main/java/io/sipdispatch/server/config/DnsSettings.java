package io.sipdispatch.server.config;

import java.time.Duration;
import java.util.List;

/**
 * How destinations given by host name are resolved (RFC 3263: NAPTR, SRV, A/AAAA) and kept fresh.
 *
 * @param servers    DNS servers, {@code ip[:port]}; absent: the system's ({@code /etc/resolv.conf})
 * @param timeout    how long one query may take (default 2s)
 * @param minRefresh the shortest time between two resolutions of one name, whatever its TTL (default 1s)
 * @param maxRefresh the longest, whatever its TTL (default 1h)
 * @param keepStale  how long the last good answer stays in use when DNS fails (default 1h)
 */
public record DnsSettings(List<String> servers, Duration timeout, Duration minRefresh, Duration maxRefresh,
                          Duration keepStale) {
    public static final DnsSettings DEFAULT = new DnsSettings(null, null, null, null, null);

    public DnsSettings {
        servers = servers == null ? List.of() : List.copyOf(servers);
        for (String s : servers) {
            if (!HostPort.parse(s, 53).isIpLiteral()) {
                throw new IllegalArgumentException("dns.servers: '" + s + "' is not an IP address");
            }
        }
        timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
        minRefresh = minRefresh == null ? Duration.ofSeconds(1) : minRefresh;
        maxRefresh = maxRefresh == null ? Duration.ofHours(1) : maxRefresh;
        keepStale = keepStale == null ? Duration.ofHours(1) : keepStale;
        if (minRefresh.toSeconds() < 1 || maxRefresh.compareTo(minRefresh) < 0) {
            throw new IllegalArgumentException("dns: min_refresh must be at least 1s and at most max_refresh");
        }
    }
}
