package io.sipdispatch.bench;

import gov.nist.javax.sip.parser.StringMsgParser;
import java.text.ParseException;
import java.util.concurrent.TimeUnit;
import javax.sip.InvalidArgumentException;
import javax.sip.PeerUnavailableException;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentLengthHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
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
 * The JAIN-SIP reference implementation (1.3.0-91) over {@link Messages#INVITE}: the same work as
 * {@link SipdispatchCodecBench}. The message is parsed with the parser the RI's UDP message channel uses
 * ({@code StringMsgParser.parseSIPMessage(bytes, true, false, listener)}), which parses every header
 * eagerly; the rewrite uses the standard {@code javax.sip} factories and the RI's own encoder.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"})
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class JainSipCodecBench {

    private final StringMsgParser parser = new StringMsgParser();
    private final byte[] invite = Messages.INVITE;
    private final HeaderFactory headers;
    private final AddressFactory addresses;

    public JainSipCodecBench() {
        try {
            SipFactory f = SipFactory.getInstance();
            f.setPathName("gov.nist");
            headers = f.createHeaderFactory();
            addresses = f.createAddressFactory();
        } catch (PeerUnavailableException e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public void parseAndReadProxyHeaders(Blackhole bh) throws ParseException {
        Request r = (Request) parser.parseSIPMessage(invite, true, false, null);
        bh.consume(r.getMethod());
        SipURI ruri = (SipURI) r.getRequestURI();
        bh.consume(ruri.getHost());
        bh.consume(ruri.getPort());
        ViaHeader via = (ViaHeader) r.getHeader(ViaHeader.NAME);
        bh.consume(via.getBranch());
        bh.consume(via.getHost());
        bh.consume(via.getPort());
        bh.consume(((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId());
        CSeqHeader cseq = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
        bh.consume(cseq.getSeqNumber());
        bh.consume(cseq.getMethod());
        bh.consume(((FromHeader) r.getHeader(FromHeader.NAME)).getTag());
        bh.consume(((ToHeader) r.getHeader(ToHeader.NAME)).getTag());
        bh.consume(((MaxForwardsHeader) r.getHeader(MaxForwardsHeader.NAME)).getMaxForwards());
        bh.consume(r.getHeader(RouteHeader.NAME) != null);
        bh.consume(((ContentLengthHeader) r.getHeader(ContentLengthHeader.NAME)).getContentLength());
    }

    @Benchmark
    public byte[] proxyRewrite() throws ParseException, InvalidArgumentException, SipException {
        return rewrite(invite);
    }

    /** The rewrite the benchmark measures; {@link RewriteFidelity} shows its output. */
    byte[] rewrite(byte[] msg) throws ParseException, InvalidArgumentException, SipException {
        Request r = (Request) parser.parseSIPMessage(msg, true, false, null);
        r.addFirst(headers.createViaHeader(Messages.PROXY_HOST, Messages.PROXY_PORT, "UDP", Messages.PROXY_BRANCH));
        SipURI rr = addresses.createSipURI(null, Messages.PROXY_HOST);
        rr.setPort(Messages.PROXY_PORT);
        rr.setLrParam();
        RecordRouteHeader rrh = headers.createRecordRouteHeader(addresses.createAddress(rr));
        r.addFirst(rrh);
        ((MaxForwardsHeader) r.getHeader(MaxForwardsHeader.NAME)).decrementMaxForwards();
        // What the RI's UDP channel sends: SIPMessage.encodeAsBytes(transport).
        return ((gov.nist.javax.sip.message.SIPMessage) r).encodeAsBytes("UDP");
    }
}
