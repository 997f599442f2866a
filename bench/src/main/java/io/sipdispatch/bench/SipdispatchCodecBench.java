package io.sipdispatch.bench;

import io.sipdispatch.sip.CSeq;
import io.sipdispatch.sip.Header;
import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParseException;
import io.sipdispatch.sip.SipParser;
import io.sipdispatch.sip.SipUri;
import io.sipdispatch.sip.Via;
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
 * sipdispatch's codec over {@link Messages#INVITE}: parse and read what a proxy reads, and parse plus the
 * proxy rewrite (push Via, push Record-Route, decrement Max-Forwards, serialise). Compare with
 * {@link JainSipCodecBench} and {@link PktsCodecBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"})
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class SipdispatchCodecBench {

    static final String VIA =
        "SIP/2.0/UDP " + Messages.PROXY_HOST + ":" + Messages.PROXY_PORT + ";branch=" + Messages.PROXY_BRANCH;
    static final String RECORD_ROUTE = "sip:" + Messages.PROXY_HOST + ":" + Messages.PROXY_PORT + ";lr";

    /** Not thread-safe: one per benchmark thread. */
    private final SipParser parser = new SipParser();
    private final byte[] invite = Messages.INVITE;
    private final io.sipdispatch.sip.SipValidator validator = io.sipdispatch.sip.SipValidator.forProxy(
        io.sipdispatch.sip.ComplianceMode.STRICT, io.sipdispatch.sip.SipLimits.DEFAULT);

    @Benchmark
    public void parseAndReadProxyHeaders(Blackhole bh) throws SipParseException {
        SipMessage m = parser.parseDatagram(invite, 0, invite.length);
        bh.consume(m.method());
        SipUri ruri = m.requestUri();
        bh.consume(ruri.host());
        bh.consume(ruri.port());
        Via via = m.topVia();
        bh.consume(via.branch());
        bh.consume(via.host());
        bh.consume(via.port());
        bh.consume(m.callId());
        CSeq cseq = m.cseq();
        bh.consume(cseq.number());
        bh.consume(cseq.method());
        bh.consume(m.from().tag());
        bh.consume(m.to().tag());
        bh.consume(m.maxForwards());
        bh.consume(m.has(Header.ROUTE));
        bh.consume(m.contentLength());
    }

    /** What a proxy does before it forwards: parse and the RFC 3261 §16.3 checks (strict). */
    @Benchmark
    public Object parseAndValidate() throws SipParseException {
        return validator.validate(parser.parseDatagram(invite, 0, invite.length));
    }

    @Benchmark
    public byte[] proxyRewrite() throws SipParseException {
        return rewrite(parser, invite);
    }

    /** The rewrite the benchmark measures; {@link RewriteFidelity} shows its output. */
    static byte[] rewrite(SipParser parser, byte[] msg) throws SipParseException {
        SipMessage m = parser.parseDatagram(msg, 0, msg.length);
        return m.edit()
            .pushVia(VIA)
            .pushRecordRoute(RECORD_ROUTE)
            .decrementMaxForwards()
            .toBytes();
    }
}
