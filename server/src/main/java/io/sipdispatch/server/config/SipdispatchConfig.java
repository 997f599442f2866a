package io.sipdispatch.server.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.sipdispatch.sip.ComplianceMode;
import java.nio.file.Path;
import java.util.List;

/**
 * The whole of {@code sipdispatch.yaml}, as bound by {@link ConfigLoader}. Every key has a documented
 * default (docs/configuration.md); what is wrong is refused with file, line, key and reason.
 *
 * @param listen      sockets to bind ({@code udp:127.0.0.1:5060}); Kamailio's {@code listen}
 * @param aliases     other names and addresses that count as this server ({@code alias}); {@code host} or
 *                    {@code host:port}
 * @param compliance  how strictly incoming messages are held to RFC 3261
 * @param recordRoute whether initial dialog-forming requests get a Record-Route (Kamailio {@code record_route()})
 * @param path        whether a forwarded REGISTER gets a Path header (RFC 3327, Kamailio {@code add_path()})
 * @param mode        {@code stateful} (default: transactions, RFC 3261 §16.6–16.10 and §17) or {@code stateless}
 *                    (§16.11) for every route that does not name its own
 * @param transactions the transaction layer of the stateful mode
 * @param events      where destination state changes go besides the log (history, webhooks)
 * @param management  the management API (JSON-RPC, metrics, dashboard); absent = none
 * @param tracing     SIP messages mirrored to a HEP collector; absent = none
 * @param tls         certificates for TLS listen addresses and TLS destinations
 * @param dns         how destinations given by host name are resolved
 * @param stop        what SIGTERM does: refuse new requests, let those under way finish
 * @param limits      against abuse: scanners' User-Agents, per-source rate limits
 * @param baseDir     the folder of the configuration file, against which relative paths are resolved
 */
public record SipdispatchConfig(
    List<ListenAddress> listen,
    List<String> aliases,
    ComplianceMode compliance,
    Boolean recordRoute,
    Boolean path,
    ProxyMode mode,
    TransactionSettings transactions,
    TcpSettings tcp,
    UdpSettings udp,
    DispatcherSettings dispatcher,
    List<RouteSpec> routes,
    EventSettings events,
    ManagementSettings management,
    TracingSettings tracing,
    TlsSettings tls,
    DnsSettings dns,
    StopSettings stop,
    LimitSettings limits,
    ClusterSettings cluster,
    @JsonIgnore Path baseDir) {

    public SipdispatchConfig {
        if (listen == null || listen.isEmpty()) {
            throw new IllegalArgumentException("at least one 'listen' address is needed, e.g. udp:127.0.0.1:5060");
        }
        listen = List.copyOf(listen);
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        for (String a : aliases) {
            HostPort.parse(a, 0);
        }
        compliance = compliance == null ? ComplianceMode.STRICT : compliance;
        recordRoute = recordRoute == null ? Boolean.TRUE : recordRoute;
        path = path == null ? Boolean.FALSE : path;
        mode = mode == null ? ProxyMode.STATEFUL : mode;
        transactions = transactions == null ? TransactionSettings.DEFAULT : transactions;
        tcp = tcp == null ? TcpSettings.DEFAULT : tcp;
        udp = udp == null ? UdpSettings.DEFAULT : udp;
        if (dispatcher == null) {
            throw new IllegalArgumentException("the 'dispatcher' section is needed (at least list_file)");
        }
        if (routes == null || routes.isEmpty()) {
            throw new IllegalArgumentException("at least one route is needed under 'routes'");
        }
        routes = List.copyOf(routes);
        if (tls == null && listen.stream().anyMatch(l -> l.transport().secure())) {
            throw new IllegalArgumentException("a tls: or wss: listen address needs the 'tls' section (certificate"
                + " and private_key)");
        }
        events = events == null ? EventSettings.DEFAULT : events;
        dns = dns == null ? DnsSettings.DEFAULT : dns;
        stop = stop == null ? StopSettings.DEFAULT : stop;
        limits = limits == null ? LimitSettings.DEFAULT : limits;
    }

    /** The same configuration, with relative paths to be resolved against {@code dir}. */
    public SipdispatchConfig withBaseDir(Path dir) {
        return new SipdispatchConfig(listen, aliases, compliance, recordRoute, path, mode, transactions, tcp, udp, dispatcher, routes, events,
            management, tracing, tls, dns, stop, limits, cluster, dir);
    }

    /** The list file, resolved; null when the destinations come from a database. */
    public Path listFile() {
        if (dispatcher.listFile() == null) {
            return null;
        }
        Path p = Path.of(dispatcher.listFile());
        return baseDir == null ? p : baseDir.resolve(p);
    }

    /** How requests are forwarded. */
    public enum ProxyMode { STATELESS, STATEFUL }
}
