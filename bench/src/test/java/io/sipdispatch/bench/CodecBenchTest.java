package io.sipdispatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParser;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Runs every codec benchmark body once, so that a benchmark that stopped doing its work (or started
 * throwing) fails the build rather than a later measurement.
 */
class CodecBenchTest {
    private static final Blackhole BH = new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    @Test
    void theBenchmarkMessageIsFramedExactly() throws Exception {
        SipMessage m = new SipParser().parseDatagram(Messages.INVITE);
        assertThat(m.length()).isEqualTo(Messages.INVITE.length);
        assertThat(m.bodyLength()).isEqualTo(m.contentLength()).isPositive();
        assertThat(Messages.INVITE.length).isBetween(900, 1200);
    }

    @Test
    void everyParseBenchmarkReadsTheProxyHeaders() throws Exception {
        new SipdispatchCodecBench().parseAndReadProxyHeaders(BH);
        assertThat(((io.sipdispatch.sip.SipValidator.Verdict) new SipdispatchCodecBench().parseAndValidate()).ok()).isTrue();
        new JainSipCodecBench().parseAndReadProxyHeaders(BH);
        new PktsCodecBench().parseAndReadProxyHeaders(BH);
    }

    @Test
    void everyRewriteBenchmarkPushesViaAndRecordRoute() throws Exception {
        for (byte[] out : List.of(new SipdispatchCodecBench().proxyRewrite(), new JainSipCodecBench().proxyRewrite(),
            new PktsCodecBench().proxyRewrite())) {
            SipMessage m = new SipParser().parseDatagram(out);
            assertThat(m.topVia().branch()).isEqualTo(Messages.PROXY_BRANCH);
            assertThat(m.recordRoutes().get(0).uri().host()).isEqualTo(Messages.PROXY_HOST);
            assertThat(m.maxForwards()).isEqualTo(68);
            assertThat(m.body()).isEqualTo(new SipParser().parseDatagram(Messages.INVITE).body());
        }
    }

    @Test
    void sipdispatchRewriteKeepsEveryOtherLineByteForByte() throws Exception {
        String in = new String(Messages.INVITE_ODD, StandardCharsets.UTF_8);
        String out = new String(SipdispatchCodecBench.rewrite(new SipParser(), Messages.INVITE_ODD), StandardCharsets.UTF_8);
        String head = in.substring(0, in.indexOf("\r\n\r\n"));
        for (String line : Arrays.asList(head.split("\r\n"))) {
            if (!line.toLowerCase().startsWith("max-forwards")) {
                assertThat(out).contains(line + "\r\n");
            }
        }
        assertThat(out).endsWith(in.substring(in.indexOf("\r\n\r\n")));
    }
}
