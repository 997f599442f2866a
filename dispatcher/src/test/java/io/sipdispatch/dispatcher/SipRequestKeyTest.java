package io.sipdispatch.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SipRequestKeyTest {
    private static final String INVITE = """
        INVITE sip:+15551230000@gw.example.net:5060;user=phone SIP/2.0\r
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-k1\r
        From: "Alice" <sip:alice@atlanta.example.com;transport=udp>;tag=f1\r
        To: <sip:bob@biloxi.example.com>\r
        Call-ID: key-1@192.0.2.10\r
        CSeq: 1 INVITE\r
        Proxy-Authorization: Digest realm="example.com", username="alice01", nonce="n", uri="sip:x", response="r"\r
        X-Tenant: blue\r
        Content-Length: 0\r
        \r
        """;

    private static SipRequestKey key(boolean userOnly) throws Exception {
        SipMessage m = new SipParser().parseDatagram(INVITE.getBytes(StandardCharsets.UTF_8));
        return new SipRequestKey(m, "192.0.2.10", 5060, userOnly);
    }

    @Test
    void everyKamailioKeyIsRead() throws Exception {
        SipRequestKey k = key(false);
        assertThat(k.callId()).isEqualTo("key-1@192.0.2.10");
        assertThat(k.fromUri()).isEqualTo("sip:alice@atlanta.example.com");
        assertThat(k.toUri()).isEqualTo("sip:bob@biloxi.example.com");
        assertThat(k.requestUri()).isEqualTo("sip:+15551230000@gw.example.net:5060");
        assertThat(k.fromUser()).isEqualTo("alice");
        assertThat(k.fromDomain()).isEqualTo("atlanta.example.com");
        assertThat(k.toUser()).isEqualTo("bob");
        assertThat(k.toDomain()).isEqualTo("biloxi.example.com");
        assertThat(k.requestUser()).isEqualTo("+15551230000");
        assertThat(k.requestDomain()).isEqualTo("gw.example.net");
        assertThat(k.authUser()).isEqualTo("alice01");
        assertThat(k.sourceIp()).isEqualTo("192.0.2.10");
        assertThat(k.sourcePort()).isEqualTo("5060");
        assertThat(k.header("x-tenant")).isEqualTo("blue");
        assertThat(k.header("X-Absent")).isNull();
    }

    @Test
    void userOnlyHashesTheUserPart() throws Exception {
        SipRequestKey k = key(true);
        assertThat(k.fromUri()).isEqualTo("alice");
        assertThat(k.toUri()).isEqualTo("bob");
        assertThat(k.requestUri()).isEqualTo("+15551230000");
    }

    @Test
    void proxyAuthorizationComesBeforeAuthorizationAsInKamailio() throws Exception {
        String both = INVITE.replace("X-Tenant: blue\r\n", "Authorization: Digest username=\"www-user\", realm=\"x\"\r\n");
        SipMessage m = new SipParser().parseDatagram(both.getBytes(StandardCharsets.UTF_8));
        assertThat(new SipRequestKey(m, "192.0.2.10", 5060, false).authUser()).isEqualTo("alice01");
        String wwwOnly = both.replaceAll("Proxy-Authorization: [^\r]*\r\n", "");
        m = new SipParser().parseDatagram(wwwOnly.getBytes(StandardCharsets.UTF_8));
        assertThat(new SipRequestKey(m, "192.0.2.10", 5060, false).authUser()).isEqualTo("www-user");
    }

    @Test
    void digestUsernameIsFoundQuotedOrNot() {
        assertThat(SipRequestKey.digestParam("Digest username=bob, realm=\"x\"", "username")).isEqualTo("bob");
        assertThat(SipRequestKey.digestParam("Digest realm=\"x\",username=\"carol\"", "username")).isEqualTo("carol");
        assertThat(SipRequestKey.digestParam("Digest realm=\"username\"", "username")).isNull();
    }

    @Test
    void keyTemplatesReadVariablesAndLiterals() throws Exception {
        SipRequestKey k = key(false);
        assertThat(KeyTemplate.parse("$fU@$ci").apply(k)).isEqualTo("alice@key-1@192.0.2.10");
        assertThat(KeyTemplate.parse("$hdr(X-Tenant)-$rU").apply(k)).isEqualTo("blue-+15551230000");
        assertThat(KeyTemplate.parse("$si:$sp/$td/$au").apply(k)).isEqualTo("192.0.2.10:5060/biloxi.example.com/alice01");
        assertThat(KeyTemplate.parse("$fu|$tu|$ru|$fd|$tU|$rd").apply(k)).isEqualTo(
            "sip:alice@atlanta.example.com|sip:bob@biloxi.example.com|sip:+15551230000@gw.example.net:5060"
                + "|atlanta.example.com|bob|gw.example.net");
        // Nothing but literals from the request: no key (hash-key then selects nothing, as Kamailio).
        assertThat(KeyTemplate.parse("x-$hdr(X-Absent)").apply(k)).isNull();
    }

    @Test
    void badTemplatesSayWhere() {
        assertThatThrownBy(() -> KeyTemplate.parse("$fU@$xx")).hasMessageContaining("'$xx' at position 4");
        assertThatThrownBy(() -> KeyTemplate.parse("$hdr()")).hasMessageContaining("$hdr(");
        assertThatThrownBy(() -> KeyTemplate.parse("")).hasMessageContaining("empty");
    }

    @Test
    void aTemplateHashKeepsACallerOnOneDestination() throws Exception {
        DestinationSet s = new DestinationSet(1, java.util.List.of(
            new Destination(new DestinationRecord(1, "sip:a.example.com", 0, 0, Attributes.NONE, "")),
            new Destination(new DestinationRecord(1, "sip:b.example.com", 0, 0, Attributes.NONE, "")),
            new Destination(new DestinationRecord(1, "sip:c.example.com", 0, 0, Attributes.NONE, ""))));
        Algorithm h = Algorithm.hash("hash-pvar", KeyTemplate.parse("$fU"));
        String first = h.order(s, key(false)).get(0).uri();
        for (int i = 0; i < 20; i++) {
            assertThat(h.order(s, key(false)).get(0).uri()).isEqualTo(first);
        }
    }
}
