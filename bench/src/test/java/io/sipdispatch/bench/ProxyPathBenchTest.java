package io.sipdispatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs each proxy benchmark body once: a benchmark that stopped forwarding fails the build. */
class ProxyPathBenchTest {
    @Test
    void everyProxyBenchmarkForwardsItsMessage() throws Exception {
        ProxyPathBench b = new ProxyPathBench();
        b.setup();
        String invite = new String(b.dispatchInitialInvite(), StandardCharsets.UTF_8);
        assertThat(invite).startsWith("INVITE sip:callee@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKsd")
            .contains("Record-Route: <sip:127.0.0.1:5060;lr>").contains("Max-Forwards: 69");
        b.last = null;
        String bye = new String(b.looseRouteBye(), StandardCharsets.UTF_8);
        assertThat(bye).startsWith("BYE sip:callee@127.0.0.1:5071 SIP/2.0\r\n").doesNotContain("Route:");
        b.last = null;
        String ok = new String(b.forwardResponse(), StandardCharsets.UTF_8);
        assertThat(ok).startsWith("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-0\r\n");
    }
}
