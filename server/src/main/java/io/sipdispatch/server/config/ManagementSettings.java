package io.sipdispatch.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The management API (JSON-RPC over HTTP, {@code /metrics}, the dashboard): where it listens and who may use
 * it. Absent from the configuration: no API.
 *
 * @param listen where the HTTP server binds, {@code host:port} (default {@code 127.0.0.1:8888}, OpenSIPS
 *               {@code mi_http}'s port); an IP literal
 * @param users  who may call it, with a password (HTTP basic) or a token (HTTP bearer), and a role:
 *               {@code read} (lists, counts, history, metrics) or {@code write} (also changes and reloads).
 *               With none, only a loopback bind is allowed, and every caller has the write role.
 */
public record ManagementSettings(String listen, List<ManagementUser> users) {
    public ManagementSettings {
        listen = listen == null ? "127.0.0.1:8888" : listen;
        HostPort hp = parse(listen);
        if (!hp.isIpLiteral()) {
            throw new IllegalArgumentException("management.listen must be an IP address and port, not '" + listen + "'");
        }
        users = users == null ? List.of() : List.copyOf(users);
        Set<String> names = new HashSet<>();
        for (ManagementUser u : users) {
            if (!names.add(u.name())) {
                throw new IllegalArgumentException("management.users: '" + u.name() + "' is named twice");
            }
        }
        if (users.isEmpty() && !address(hp).isLoopbackAddress()) {
            // Anyone who can reach the port could disable every gateway: never without credentials.
            throw new IllegalArgumentException("management.listen " + listen + " is not a loopback address: give"
                + " management.users (a password or a token each) to bind it there");
        }
    }

    /** The address and port to bind; port 0 asks the system for a free one. */
    public HostPort hostPort() {
        return parse(listen);
    }

    private static HostPort parse(String text) {
        boolean any = text.endsWith(":0");
        HostPort hp = HostPort.parse(any ? text.substring(0, text.length() - 2) : text, 8888);
        return any ? new HostPort(hp.host(), 0) : hp;
    }

    private static InetAddress address(HostPort hp) {
        try {
            return InetAddress.getByName(hp.literal()); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("management.listen: " + e.getMessage());
        }
    }

    /** Whether callers must authenticate. */
    public boolean authenticated() {
        return !users.isEmpty();
    }
}
