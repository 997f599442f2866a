package io.sipdispatch.bench;

import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.server.config.ConfigLoader;
import io.sipdispatch.server.config.SipdispatchConfig;
import io.sipdispatch.server.proxy.DispatchSnapshot;
import io.sipdispatch.server.proxy.Myself;
import io.sipdispatch.server.proxy.ProxyCounters;
import io.sipdispatch.server.proxy.Router;
import io.sipdispatch.server.proxy.Shards;
import io.sipdispatch.server.proxy.SipProxy;
import io.sipdispatch.server.proxy.TransactionScheduler;
import io.sipdispatch.server.proxy.VirtualClock;
import io.sipdispatch.server.source.ListFile;
import io.sipdispatch.server.transport.Listener;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The stateful proxy's work for one whole call, without sockets: the INVITE (100 Trying back, a transaction
 * and a branch with the seed's 2 s no-reply timer), the destination's 180 and 200 relayed, the ACK end to
 * end, the BYE (a non-INVITE transaction) and its 200: seven messages in, seven out. Timers run on a virtual
 * clock that moves 2 ms per call, so that each call's transactions linger their 5 s and leave the table as
 * in a server at 500 calls/s per event loop; 4096 distinct calls are used in turn.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class StatefulCallBench {
    static final int CALLS = 4096;
    static final long MILLIS_PER_CALL = 2;
    static final InetSocketAddress UAC = new InetSocketAddress("127.0.0.1", 5090);
    static final String CONFIG = """
        listen: [ udp:127.0.0.1:5060 ]
        mode: stateful
        dispatcher: { list_file: dispatcher.list }
        routes:
          - dispatch:
              set: 1
              algorithm: 4
              failover: { no_reply_timeout: 2s, on: [timeout, transport_error, 500] }
            when_none_left: { reply: 404, reason: No destination }
        """;
    static final String LIST = "1 sip:127.0.0.1:5071\n1 sip:127.0.0.1:5072\n1 sip:127.0.0.1:5073\n";

    /** One call's messages, as the caller and the destination send them. */
    record Call(InetSocketAddress backend, byte[] invite, byte[] ringing, byte[] ok, byte[] ack, byte[] bye,
                byte[] byeOk) {
    }

    SipProxy proxy;
    Listener udp;
    VirtualClock clock;
    Call[] calls;
    int next;
    int sent;
    byte[] last;
    InetSocketAddress lastTo;

    @Setup
    public void setup() throws Exception {
        VirtualClock learnClock = new VirtualClock();
        SipProxy learner = newProxy(learnClock);
        calls = new Call[CALLS];
        for (int i = 0; i < CALLS; i++) {
            calls[i] = learn(learner, learnClock, i);
        }
        clock = new VirtualClock();
        proxy = newProxy(clock);
        sent = 0;
    }

    private SipProxy newProxy(VirtualClock c) throws Exception {
        SipdispatchConfig config = ConfigLoader.parse("bench.yaml", CONFIG);
        udp = new Listener(config.listen().get(0), 0);
        DispatchSnapshot snap = new DispatchSnapshot(DispatchTable.build(ListFile.parse("dispatcher.list",
            new StringReader(LIST)), null));
        Shards one = new Shards() {
            @Override
            public int count() {
                return 1;
            }

            @Override
            public int current() {
                return 0;
            }

            @Override
            public void execute(int shard, Runnable task) {
                c.schedule(0, task);
            }

            @Override
            public TransactionScheduler scheduler(int shard) {
                return c;
            }
        };
        return new SipProxy(config, List.of(udp), new Myself(List.of(udp), List.of()),
            Router.compile(config.routes(), config.dispatcher(), config.mode()), () -> snap,
            (via, to, bytes, conn) -> {
                sent++;
                last = bytes;
                lastTo = to;
            }, one, new ProxyCounters(), io.sipdispatch.server.events.DestinationEvents.logOnly());
    }

    /** Call {@code i}'s messages: the responses carry the Via the proxy writes, learnt by forwarding once. */
    private Call learn(SipProxy learner, VirtualClock c, int i) {
        String callId = "bench-" + i + "@127.0.0.1";
        byte[] invite = bytes("INVITE sip:callee@127.0.0.1:5060 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-inv-" + i + "\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: <sip:caller@127.0.0.1:5090>;tag=" + i + "\r\nTo: <sip:callee@127.0.0.1:5060>\r\n"
            + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
            + "Contact: <sip:caller@127.0.0.1:5090>\r\nContent-Type: application/sdp\r\n"
            + "Content-Length: " + ProxyPathBench.SDP.length() + "\r\n\r\n" + ProxyPathBench.SDP);
        learner.onMessage(invite, 0, invite.length, udp, UAC, null);
        String fwd = new String(last, StandardCharsets.UTF_8);
        InetSocketAddress backend = lastTo;
        String ourVia = topVia(fwd);
        String vias = "Via: " + ourVia + "\r\nVia: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-inv-" + i + "\r\n";
        String dialog = "From: <sip:caller@127.0.0.1:5090>;tag=" + i + "\r\nTo: <sip:callee@127.0.0.1:5060>;tag=b" + i
            + "\r\nCall-ID: " + callId + "\r\n";
        String contact = "Contact: <sip:callee@127.0.0.1:" + backend.getPort() + ">\r\n";
        byte[] ringing = bytes("SIP/2.0 180 Ringing\r\n" + vias + "Record-Route: <sip:127.0.0.1:5060;lr>\r\n" + dialog
            + "CSeq: 1 INVITE\r\n" + contact + "Content-Length: 0\r\n\r\n");
        byte[] ok = bytes("SIP/2.0 200 OK\r\n" + vias + "Record-Route: <sip:127.0.0.1:5060;lr>\r\n" + dialog
            + "CSeq: 1 INVITE\r\n" + contact + "Content-Type: application/sdp\r\nContent-Length: "
            + ProxyPathBench.SDP.length() + "\r\n\r\n" + ProxyPathBench.SDP);
        learner.onMessage(ok, 0, ok.length, udp, backend, null);
        String inDialog = " sip:callee@127.0.0.1:" + backend.getPort() + " SIP/2.0\r\n";
        byte[] ack = bytes("ACK" + inDialog + "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-ack-" + i + "\r\n"
            + "Route: <sip:127.0.0.1:5060;lr>\r\nMax-Forwards: 70\r\n" + dialog + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
        byte[] bye = bytes("BYE" + inDialog + "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-bye-" + i + "\r\n"
            + "Route: <sip:127.0.0.1:5060;lr>\r\nMax-Forwards: 70\r\n" + dialog + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
        learner.onMessage(bye, 0, bye.length, udp, UAC, null);
        String byeVia = topVia(new String(last, StandardCharsets.UTF_8));
        byte[] byeOk = bytes("SIP/2.0 200 OK\r\nVia: " + byeVia + "\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-bye-" + i + "\r\n" + dialog
            + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
        learner.onMessage(byeOk, 0, byeOk.length, udp, backend, null);
        c.advance(MILLIS_PER_CALL);
        return new Call(backend, invite, ringing, ok, ack, bye, byeOk);
    }

    private static String topVia(String request) {
        int v = request.indexOf("\r\nVia: ") + 7;
        return request.substring(v, request.indexOf("\r\n", v));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void in(byte[] m, InetSocketAddress from) {
        proxy.onMessage(m, 0, m.length, udp, from, null);
    }

    @Benchmark
    public int wholeCall() {
        Call c = calls[next++ & (CALLS - 1)];
        in(c.invite, UAC);
        in(c.ringing, c.backend);
        in(c.ok, c.backend);
        in(c.ack, UAC);
        in(c.bye, UAC);
        in(c.byeOk, c.backend);
        clock.advance(MILLIS_PER_CALL);
        return sent;
    }
}
