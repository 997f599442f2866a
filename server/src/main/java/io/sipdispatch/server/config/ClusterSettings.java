package io.sipdispatch.server.config;

import java.util.List;
import java.util.Locale;

/**
 * The cluster of sipdispatch nodes that share destination state (OpenSIPS's {@code cluster_id} and
 * {@code cluster_probing_mode}), on JGroups.
 *
 * @param id        the cluster's number: nodes with the same id form one cluster ({@code cluster_id})
 * @param node      this node's name in events and logs (default: its {@code bind} address)
 * @param bind      the address and port the node's cluster traffic uses, {@code host:port}
 * @param peers     the other nodes' {@code host:port}, for static discovery (the node's own may be listed too)
 * @param discovery {@code static} (the peers, default) or {@code database}: the nodes find each other through
 *                  the database the destinations come from ({@code db_url}), in JGroups's table {@code JGROUPSPING}
 * @param probing   who sends keepalives: {@code all} nodes (default), the node holding the sharing tag
 *                  ({@code by-tag}: the oldest member; the tag moves when its holder leaves or dies), or
 *                  {@code distributed}: each destination by one live node, chosen by rendezvous hash
 */
public record ClusterSettings(Integer id, String node, String bind, List<String> peers, String discovery,
                              String probing) {
    public enum Probing { ALL, BY_TAG, DISTRIBUTED }

    public ClusterSettings {
        if (id == null || id < 1) {
            throw new IllegalArgumentException("cluster.id must be a number from 1 (OpenSIPS's cluster_id)");
        }
        if (bind == null) {
            throw new IllegalArgumentException("cluster.bind is needed: the host:port of this node's cluster traffic");
        }
        HostPort.parse(bind, 0);
        node = node == null ? bind : node;
        peers = peers == null ? List.of() : List.copyOf(peers);
        for (String p : peers) {
            HostPort.parse(p, 0);
        }
        discovery = discovery == null ? "static" : discovery.toLowerCase(Locale.ROOT);
        if (!discovery.equals("static") && !discovery.equals("database")) {
            throw new IllegalArgumentException("cluster.discovery must be 'static' or 'database', not '" + discovery + "'");
        }
        if (discovery.equals("static") && peers.isEmpty()) {
            throw new IllegalArgumentException("cluster.discovery static needs cluster.peers (host:port of the other nodes)");
        }
        probing = probing == null ? "all" : probing.toLowerCase(Locale.ROOT);
        probingMode(probing);
    }

    public Probing probingMode() {
        return probingMode(probing);
    }

    private static Probing probingMode(String text) {
        return switch (text) {
            case "all" -> Probing.ALL;
            case "by-tag", "by_tag" -> Probing.BY_TAG;
            case "distributed" -> Probing.DISTRIBUTED;
            default -> throw new IllegalArgumentException("cluster.probing must be all, by-tag or distributed, not '"
                + text + "'");
        };
    }

    /** The JGroups cluster name. */
    public String clusterName() {
        return "sipdispatch-" + id;
    }
}
