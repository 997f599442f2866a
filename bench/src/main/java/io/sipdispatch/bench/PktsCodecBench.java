package io.sipdispatch.bench;

import io.pkts.buffer.Buffer;
import io.pkts.buffer.Buffers;
import io.pkts.packet.sip.SipMessage;
import io.pkts.packet.sip.SipRequest;
import io.pkts.packet.sip.address.SipURI;
import io.pkts.packet.sip.header.CSeqHeader;
import io.pkts.packet.sip.header.MaxForwardsHeader;
import io.pkts.packet.sip.header.RecordRouteHeader;
import io.pkts.packet.sip.header.ViaHeader;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * pkts-sip (3.0.18) over {@link Messages#INVITE}: the same work as {@link SipdispatchCodecBench}. pkts
 * frames the message and parses a header's value when it is first asked for, so the read benchmark asks
 * for every value (tag, branch, host, port, numbers) rather than for the raw header. The rewrite uses the
 * library's immutable copy-and-build API.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"})
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class PktsCodecBench {

    private final byte[] invite = Messages.INVITE;

    @Benchmark
    public void parseAndReadProxyHeaders(Blackhole bh) throws IOException {
        SipRequest r = SipMessage.frame(Buffers.wrap(invite)).toRequest();
        bh.consume(r.getMethod());
        SipURI ruri = r.getRequestUri().toSipURI();
        bh.consume(ruri.getHost());
        bh.consume(ruri.getPort());
        ViaHeader via = r.getViaHeader();
        bh.consume(via.getBranch());
        bh.consume(via.getHost());
        bh.consume(via.getPort());
        bh.consume(r.getCallIDHeader().getCallId());
        CSeqHeader cseq = r.getCSeqHeader();
        bh.consume(cseq.getSeqNumber());
        bh.consume(cseq.getMethod());
        bh.consume(r.getFromHeader().getTag());
        bh.consume(r.getToHeader().getTag());
        bh.consume(r.getMaxForwards().getMaxForwards());
        bh.consume(r.getRouteHeader() != null);
        bh.consume(r.getContentLength());
    }

    @Benchmark
    public byte[] proxyRewrite() throws IOException {
        return rewrite(invite);
    }

    /** The rewrite the benchmark measures; {@link RewriteFidelity} shows its output. */
    static byte[] rewrite(byte[] msg) throws IOException {
        SipRequest r = SipMessage.frame(Buffers.wrap(msg)).toRequest();
        ViaHeader via = ViaHeader.withHost(Messages.PROXY_HOST)
            .withPort(Messages.PROXY_PORT)
            .withTransportUDP()
            .withBranch(Messages.PROXY_BRANCH)
            .build();
        RecordRouteHeader rr = RecordRouteHeader.withHost(Messages.PROXY_HOST)
            .withPort(Messages.PROXY_PORT)
            .withUriParameter("lr", "")
            .build();
        SipRequest out = r.copy()
            .withTopMostViaHeader(via)
            .withTopMostRecordRouteHeader(rr)
            .onMaxForwardsHeader(MaxForwardsHeader.Builder::decrement)
            .build();
        Buffer b = out.toBuffer();
        return b.getArray();
    }
}
