package io.sipdispatch.bench;

import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.server.config.ConfigLoader;
import io.sipdispatch.server.config.SipdispatchConfig;
import io.sipdispatch.server.proxy.DispatchSnapshot;
import io.sipdispatch.server.proxy.Myself;
import io.sipdispatch.server.proxy.ProxyCounters;
import io.sipdispatch.server.proxy.Router;
import io.sipdispatch.server.proxy.SipProxy;
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
 * The stateless proxy's work per message, without sockets: what one call costs sipdispatch between the
 * read and the write. A call through the proxy is an INVITE and a BYE dispatched or loose-routed, an ACK
 * loose-routed, and four responses forwarded. The sockets' cost comes on top (see the SIPp figures).
 *
 * <ul>
 * <li>{@link #dispatchInitialInvite}: validate, hash the branch, remember it, round-robin over three
 *     destinations, push Via and Record-Route, decrement Max-Forwards, serialise. 1024 distinct INVITEs in
 *     turn, so that the affinity memory is written, as for new calls.</li>
 * <li>{@link #looseRouteBye}: an in-dialog BYE whose Route names the proxy.</li>
 * <li>{@link #forwardResponse}: a 200 OK whose top Via is the proxy's, popped and sent to the next Via.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class ProxyPathBench {
    static final InetSocketAddress UAC = new InetSocketAddress("127.0.0.1", 5090);
    static final InetSocketAddress BACKEND = new InetSocketAddress("127.0.0.1", 5071);

    SipProxy proxy;
    Listener udp;
    byte[][] invites;
    byte[] bye;
    byte[] ok;
    byte[] last;
    int next;

    @Setup
    public void setup() throws Exception {
        SipdispatchConfig config = ConfigLoader.parse("bench.yaml", """
            listen: [ udp:127.0.0.1:5060 ]
            mode: stateless
            dispatcher: { list_file: dispatcher.list }
            routes:
              - dispatch: { set: 1, algorithm: 4 }
            """);
        udp = new Listener(config.listen().get(0), 0);
        DispatchSnapshot snap = new DispatchSnapshot(DispatchTable.build(ListFile.parse("dispatcher.list",
            new StringReader("1 sip:127.0.0.1:5071\n1 sip:127.0.0.1:5072\n1 sip:127.0.0.1:5073\n")), null));
        proxy = new SipProxy(config, List.of(udp), new Myself(List.of(udp), List.of()),
            Router.compile(config.routes(), config.dispatcher(), config.mode()), () -> snap,
            (via, to, bytes, conn) -> last = bytes, null, new ProxyCounters(),
            io.sipdispatch.server.events.DestinationEvents.logOnly());
        invites = new byte[1024][];
        for (int i = 0; i < invites.length; i++) {
            invites[i] = invite(i);
        }
        bye = bytes("BYE sip:callee@127.0.0.1:5071 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-bye-1\r\n"
            + "Route: <sip:127.0.0.1:5060;lr>\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: <sip:caller@127.0.0.1:5090>;tag=1\r\nTo: <sip:callee@127.0.0.1:5060>;tag=2\r\n"
            + "Call-ID: bench-0@127.0.0.1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
        // The 200 to the first INVITE, as the backend sends it: the proxy's Via on top of the caller's.
        proxy.onMessage(invites[0], 0, invites[0].length, udp, UAC, null);
        String fwd = new String(last, StandardCharsets.UTF_8);
        String ourVia = fwd.substring(fwd.indexOf("Via: ") + 5, fwd.indexOf("\r\n", fwd.indexOf("Via: ")));
        ok = bytes("SIP/2.0 200 OK\r\n"
            + "Via: " + ourVia + ", SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-0\r\n"
            + "Record-Route: <sip:127.0.0.1:5060;lr>\r\n"
            + "From: <sip:caller@127.0.0.1:5090>;tag=1\r\nTo: <sip:callee@127.0.0.1:5060>;tag=2\r\n"
            + "Call-ID: bench-0@127.0.0.1\r\nCSeq: 1 INVITE\r\nContact: <sip:callee@127.0.0.1:5071>\r\n"
            + "Content-Type: application/sdp\r\nContent-Length: " + SDP.length() + "\r\n\r\n" + SDP);
    }

    static final String SDP = "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
        + "t=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

    static byte[] invite(int i) {
        return bytes("INVITE sip:callee@127.0.0.1:5060 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-" + i + "\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: <sip:caller@127.0.0.1:5090>;tag=1\r\nTo: <sip:callee@127.0.0.1:5060>\r\n"
            + "Call-ID: bench-" + i + "@127.0.0.1\r\nCSeq: 1 INVITE\r\n"
            + "Contact: <sip:caller@127.0.0.1:5090>\r\nContent-Type: application/sdp\r\n"
            + "Content-Length: " + SDP.length() + "\r\n\r\n" + SDP);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] dispatchInitialInvite() {
        byte[] m = invites[next++ & 1023];
        proxy.onMessage(m, 0, m.length, udp, UAC, null);
        return last;
    }

    @Benchmark
    public byte[] looseRouteBye() {
        proxy.onMessage(bye, 0, bye.length, udp, UAC, null);
        return last;
    }

    @Benchmark
    public byte[] forwardResponse() {
        proxy.onMessage(ok, 0, ok.length, udp, BACKEND, null);
        return last;
    }
}
