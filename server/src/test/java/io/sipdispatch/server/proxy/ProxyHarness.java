package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.server.config.ConfigLoader;
import io.sipdispatch.server.config.DispatcherSettings;
import io.sipdispatch.server.config.SipdispatchConfig;
import io.sipdispatch.server.source.ListFile;
import io.sipdispatch.server.transport.Listener;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A stateless proxy wired to a recording {@link Outbound}: what it sends, to whom, from which socket. */
final class ProxyHarness {
    record Sent(Listener via, InetSocketAddress to, String text, Object connection) {
        String firstLine() {
            return text.substring(0, text.indexOf("\r\n"));
        }

        /** Every value of header {@code name}, one per line as written. */
        List<String> headers(String name) {
            List<String> out = new ArrayList<>();
            for (String line : text.substring(0, text.indexOf("\r\n\r\n")).split("\r\n")) {
                int c = line.indexOf(':');
                if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(name)) {
                    out.add(line.substring(c + 1).trim());
                }
            }
            return out;
        }

        String header(String name) {
            List<String> h = headers(name);
            return h.isEmpty() ? null : h.get(0);
        }

        int port() {
            return to.getPort();
        }
    }

    final List<Sent> sent = new ArrayList<>();
    /** What the transport reports of the socket being read: reads behind for so long, its queue so full. */
    long behindNanos;
    float queueFill = -1;
    boolean queueShrinking;
    final List<Listener> listeners = new ArrayList<>();
    final SipProxy proxy;
    final ProxyCounters counters = new ProxyCounters();
    /** Virtual time for the transaction timers; hand-overs and broadcasts run on the next advance. */
    final VirtualClock clock = new VirtualClock();
    /** The event loops the transactions are spread over, and the one the test is "on" now. */
    int shardCount = 1;
    int currentShard;
    /** Which shard each handed-over task ran on, in order. */
    final List<Integer> ranOn = new ArrayList<>();
    final Shards shards = new Shards() {
        @Override
        public int count() {
            return shardCount;
        }

        @Override
        public int current() {
            return currentShard;
        }

        @Override
        public void execute(int shard, Runnable task) {
            clock.schedule(0, () -> {
                int was = currentShard;
                currentShard = shard;
                ranOn.add(shard);
                try {
                    task.run();
                } finally {
                    currentShard = was;
                }
            });
        }

        @Override
        public TransactionScheduler scheduler(int shard) {
            return clock;
        }
    };
    DispatchSnapshot snapshot;

    ProxyHarness(String yaml, String list) throws Exception {
        this(yaml, list, 1);
    }

    ProxyHarness(String yaml, String list, int shardCount) throws Exception {
        this(yaml, Map.of(DispatcherSettings.DEFAULT_PARTITION, list), shardCount);
    }

    /** With a list per partition, by name; the blacklists are the configuration's. */
    ProxyHarness(String yaml, Map<String, String> lists, int shardCount) throws Exception {
        this.shardCount = shardCount;
        SipdispatchConfig config = ConfigLoader.parse("test.yaml", yaml);
        for (int i = 0; i < config.listen().size(); i++) {
            listeners.add(new Listener(config.listen().get(i), i));
        }
        Map<String, DispatchTable> tables = new LinkedHashMap<>();
        for (String partition : config.dispatcher().allPartitions().keySet()) {
            tables.put(partition, DispatchTable.build(ListFile.parse(partition + ".list",
                new StringReader(lists.getOrDefault(partition, ""))), null, config.dispatcher().numberingKind()));
        }
        snapshot = new DispatchSnapshot(tables, DispatchSnapshot.blacklistDefinitions(config.dispatcher()));
        Router router = Router.compile(config.routes(), config.dispatcher(), config.mode());
        Myself myself = new Myself(listeners, config.aliases());
        Outbound out = new Outbound() {
            @Override
            public void send(Listener via, InetSocketAddress to, byte[] bytes, Object conn) {
                sent.add(new Sent(via, to, new String(bytes, StandardCharsets.UTF_8), conn));
            }

            @Override
            public long behindNanos() {
                return behindNanos;
            }

            @Override
            public float queueFill() {
                return queueFill;
            }

            @Override
            public boolean queueShrinking() {
                return queueShrinking;
            }
        };
        proxy = new SipProxy(config, listeners, myself, router, () -> snapshot, out, shards, counters,
            io.sipdispatch.server.events.DestinationEvents.logOnly());
    }

    static final String LISTEN = """
        listen:
          - udp:127.0.0.1:5060
          - tcp:127.0.0.1:5060
          - udp:[::1]:5060
        """;

    /** Receives {@code text} (with \n line ends turned into CRLF) on listener {@code l} from {@code from}. */
    Sent receive(int l, InetSocketAddress from, String text) {
        byte[] b = text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        int before = sent.size();
        Object conn = listeners.get(l).transport().reliable() ? "conn-" + from : null;
        proxy.onMessage(b, 0, b.length, listeners.get(l), from, conn);
        return sent.size() > before ? sent.get(sent.size() - 1) : null;
    }

    Sent receive(String text) {
        return receive(0, UAC, text);
    }

    static final InetSocketAddress UAC = new InetSocketAddress("127.0.0.1", 5555);

    static String invite(String callId, String branch) {
        return request("INVITE", "sip:alice@127.0.0.1:5060", callId, branch, 1, "", "");
    }

    static String request(String method, String ruri, String callId, String branch, int cseq, String toTag,
                          String extra) {
        return method + " " + ruri + " SIP/2.0\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5555;branch=" + branch + "\n"
            + "Max-Forwards: 70\n"
            + "From: <sip:caller@127.0.0.1:5555>;tag=f1\n"
            + "To: <" + ruri + ">" + (toTag.isEmpty() ? "" : ";tag=" + toTag) + "\n"
            + "Call-ID: " + callId + "\n"
            + "CSeq: " + cseq + " " + method + "\n"
            + "Contact: <sip:caller@127.0.0.1:5555>\n"
            + extra
            + "Content-Length: 0\n\n";
    }
}
