package io.sipdispatch.server.cluster;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.dispatcher.Hashing;
import io.sipdispatch.server.config.ClusterSettings;
import io.sipdispatch.server.config.HostPort;
import io.sipdispatch.server.events.DestinationEvents;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.JDBC_PING2;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.protocols.pbcast.STATE_TRANSFER;
import org.jgroups.stack.Protocol;
import org.jgroups.util.Util;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership of its cluster, on JGroups: membership, failure detection and reliable ordered
 * delivery are JGroups's; what sipdispatch adds is what the nodes tell each other.
 *
 * <ul>
 * <li>Every state change this node sees (a keepalive, a failed call, the management API) goes to every node,
 *     which applies it and records it as seen by this node; a node that joins gets every destination's state
 *     from the oldest member.</li>
 * <li>A reload asked of one node can be passed to all.</li>
 * <li>Who probes ({@code cluster.probing}): every node; the holder of the sharing tag, which is the oldest member,
 *     so the tag moves as soon as JGroups removes a dead holder from the view; or, distributed, each destination
 *     by the live node its rendezvous hash picks, so membership changes move only the dead node's share.</li>
 * </ul>
 */
public final class Cluster implements Receiver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Cluster.class);
    private static final byte STATE = 1;
    private static final byte RELOAD = 2;
    /** How long a joining node waits for the state of the others. */
    private static final long STATE_TIMEOUT_MS = 10_000;

    /** What the cluster asks of this node. */
    public interface Node {
        /** The destination {@code identity} of {@code partition}, or null when this node has none such. */
        Destination find(String partition, String identity);

        /** Every destination by partition, for a node that joins. */
        Map<String, List<Destination>> destinations();

        /** A peer asked every node to reload {@code partition} (null: all). */
        void reload(String partition, String by);

        /** A peer found {@code d} dead: what waits on it here fails over now. */
        void down(Destination d);
    }

    private final ClusterSettings settings;
    private final Node node;
    private final DestinationEvents events;
    private final JChannel channel;
    private volatile List<Address> members = List.of();
    /**
     * Sends on a thread of its own: a change is seen on an event loop, which must not wait for the cluster's
     * sockets. Bounded: past it, a change is dropped (and logged), and the next change of that destination or
     * a join sets things right.
     */
    private final java.util.concurrent.ThreadPoolExecutor sender = new java.util.concurrent.ThreadPoolExecutor(1, 1,
        0, java.util.concurrent.TimeUnit.MILLISECONDS, new java.util.concurrent.LinkedBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "cluster-send");
            t.setDaemon(true);
            return t;
        }, (r, pool) -> log.warn("cluster: a state change was not sent, {} waiting already", pool.getQueue().size()));

    public Cluster(ClusterSettings settings, Node node, DestinationEvents events, String jdbcUrl, String dbUser,
                   String dbPassword) throws Exception {
        this.settings = settings;
        this.node = node;
        this.events = events;
        this.channel = new JChannel(stack(settings, jdbcUrl, dbUser, dbPassword));
        channel.setName(settings.node());
        channel.setDiscardOwnMessages(true);
        channel.setReceiver(this);
    }

    private static Protocol[] stack(ClusterSettings s, String jdbcUrl, String user, String password) throws Exception {
        HostPort bind = HostPort.parse(s.bind(), 0);
        TCP tcp = new TCP();
        tcp.setBindAddress(InetAddress.getByName(bind.host()));
        tcp.setBindPort(bind.port());
        tcp.setPortRange(0);
        Protocol discovery;
        if (s.discovery().equals("database")) {
            if (jdbcUrl == null) {
                throw new IllegalArgumentException("cluster.discovery database needs the dispatcher's db_url");
            }
            // JGroups's own table (JGROUPSPING) in the dispatcher's database: every node writes its address there
            // and reads the others'.
            discovery = new JDBC_PING2().setConnectionUrl(jdbcUrl).setConnectionUsername(user)
                .setConnectionPassword(password).setConnectionDriver(driver(jdbcUrl));
        } else {
            List<InetSocketAddress> peers = new ArrayList<>();
            for (String p : s.peers()) {
                HostPort hp = HostPort.parse(p, 0);
                peers.add(new InetSocketAddress(hp.host(), hp.port()));
            }
            discovery = new TCPPING().setInitialHosts(peers).setPortRange(0);
        }
        // A dead node must leave the view within a couple of seconds: its tag and its share of the probing move
        // then. FD_SOCK2 notices a crashed process at once; FD_ALL3 a hung one after its timeout.
        return new Protocol[] {
            tcp,
            discovery,
            new MERGE3().setMinInterval(1000).setMaxInterval(3000),
            new FD_SOCK2(),
            new FD_ALL3().setTimeout(3000).setInterval(1000),
            new VERIFY_SUSPECT2().setTimeout(500),
            new NAKACK2(),
            new UNICAST3(),
            new STABLE(),
            new GMS().setJoinTimeout(1000),
            new MFC(),
            new FRAG4(),
            new STATE_TRANSFER()
        };
    }

    private static String driver(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return "org.sqlite.JDBC";
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return "org.postgresql.Driver";
        }
        return "org.mariadb.jdbc.Driver";
    }

    /** Joins the cluster and takes the current state from the oldest member (none when this node is the first). */
    public void start() throws Exception {
        events.node(settings.node());
        channel.connect(settings.clusterName(), null, STATE_TIMEOUT_MS);
        log.info("cluster {}: node {} joined, members {}", settings.clusterName(), settings.node(), members);
    }

    public String nodeName() {
        return settings.node();
    }

    /** The live nodes' names, oldest first. */
    public List<String> members() {
        return members.stream().map(Object::toString).toList();
    }

    /** Whether this node holds the sharing tag: it is the oldest member. */
    public boolean holdsTag() {
        List<Address> m = members;
        return !m.isEmpty() && m.get(0).equals(channel.getAddress());
    }

    /** Whether this node sends the keepalives of {@code d}, as {@code cluster.probing} says. */
    public boolean probes(Destination d) {
        return switch (settings.probingMode()) {
            case ALL -> true;
            case BY_TAG -> holdsTag();
            case DISTRIBUTED -> channel.getAddress() != null && channel.getAddress().equals(owner(d.identity(), members));
        };
    }

    /** The live node that probes {@code identity} in distributed mode: the highest rendezvous score. */
    static <A> A owner(String identity, List<A> members) {
        A best = null;
        long bestScore = Long.MIN_VALUE;
        for (A m : members) {
            long score = Hashing.hash64(identity + "@" + m);
            if (best == null || score > bestScore) {
                best = m;
                bestScore = score;
            }
        }
        return best;
    }

    /** A change this node saw: to every other node. */
    public void seen(String partition, Destination d, String reason) {
        send(out -> {
            out.writeByte(STATE);
            out.writeUTF(partition);
            out.writeUTF(d.identity());
            out.writeInt(d.state());
            out.writeUTF(reason);
        });
    }

    /** Asks every other node to reload {@code partition} (null: all). */
    public void reloadAll(String partition) {
        send(out -> {
            out.writeByte(RELOAD);
            out.writeUTF(partition == null ? "" : partition);
        });
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private void send(Writer w) {
        if (!sender.isShutdown()) {
            sender.execute(() -> sendNow(w));
        }
    }

    private void sendNow(Writer w) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(128);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                w.write(out);
            }
            channel.send(new BytesMessage(null, bytes.toByteArray()));
        } catch (Exception e) {
            // Alone, or leaving: the others will have the state from the next change or when they join.
            log.debug("cluster {}: not sent: {}", settings.clusterName(), e.toString());
        }
    }

    @Override
    public void receive(Message msg) {
        String by = String.valueOf(msg.getSrc());
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(msg.getArray(),
            msg.getOffset(), msg.getLength()))) {
            byte kind = in.readByte();
            if (kind == STATE) {
                apply(in.readUTF(), in.readUTF(), in.readInt(), in.readUTF(), by);
            } else if (kind == RELOAD) {
                String p = in.readUTF();
                node.reload(p.isEmpty() ? null : p, by);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cluster {}: unreadable message from {}: {}", settings.clusterName(), by, e.toString());
        }
    }

    /** Makes {@code identity}'s state what node {@code by} says; recorded as seen by it, not sent on again. */
    private void apply(String partition, String identity, int state, String reason, String by) {
        Destination d = node.find(partition, identity);
        if (d == null) {
            return; // not (yet) in this node's table: its own source decides when it comes
        }
        int before = d.state();
        if (before == state) {
            return;
        }
        int after = d.updateState(state, ~state);
        events.changed(d, before, after, reason, by);
        if ((before & DestinationFlags.INACTIVE) == 0 && (after & DestinationFlags.INACTIVE) != 0) {
            node.down(d);
        }
    }

    @Override
    public void getState(OutputStream output) throws Exception {
        DataOutputStream out = new DataOutputStream(output);
        out.writeUTF(settings.node());
        for (Map.Entry<String, List<Destination>> e : node.destinations().entrySet()) {
            for (Destination d : e.getValue()) {
                out.writeBoolean(true);
                out.writeUTF(e.getKey());
                out.writeUTF(d.identity());
                out.writeInt(d.state());
            }
        }
        out.writeBoolean(false);
        out.flush();
    }

    @Override
    public void setState(InputStream input) throws Exception {
        DataInputStream in = new DataInputStream(input);
        String from = in.readUTF();
        int n = 0;
        while (in.readBoolean()) {
            apply(in.readUTF(), in.readUTF(), in.readInt(), "state at join", from);
            n++;
        }
        log.info("cluster {}: took the state of {} destination(s) from {}", settings.clusterName(), n, from);
    }

    @Override
    public void viewAccepted(View view) {
        List<Address> before = members;
        members = List.copyOf(view.getMembers());
        log.info("cluster {}: members {}{}", settings.clusterName(), members,
            settings.probingMode() == ClusterSettings.Probing.BY_TAG && holdsTag() ? " (this node holds the tag)" : "");
        if (!before.isEmpty() && settings.probingMode() != ClusterSettings.Probing.ALL) {
            log.debug("cluster {}: probing re-split over {} node(s)", settings.clusterName(), members.size());
        }
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            // What was seen just before the stop still goes out, if the cluster takes it quickly.
            sender.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Util.close(channel);
    }
}
