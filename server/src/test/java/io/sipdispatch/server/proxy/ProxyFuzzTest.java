package io.sipdispatch.server.proxy;

import static io.sipdispatch.server.proxy.ProxyHarness.LISTEN;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sipdispatch.server.proxy.ProxyCounters.Drop;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Fuzz target over the proxy's handling of what arrives on the wire: the input is cut into messages at each
 * 0x7F byte, each handed to a stateful proxy (two loops, failover, a dispatch and a relay route) as a UDP
 * datagram or a framed stream message from one of a few sources, with the virtual clock moved on between
 * them so that timers fire. In the normal build it replays the saved inputs under
 * {@code src/test/resources/io/sipdispatch/server/proxy/ProxyFuzzTestInputs/onMessage/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes. The property: no exception escapes, none is swallowed as an internal
 * error (a bug the proxy hides from the log), and no request out of a dialog goes anywhere but to a
 * destination unless the relay route sends it (no open relay, preloaded Route or not).
 */
class ProxyFuzzTest {
    static final String CONFIG = LISTEN + """
        dispatcher: { list_file: x.list }
        routes:
          - match: { ruri_user: '^relay' }
            relay: request-uri
          - dispatch: { set: 1, algorithm: 8, failover: { no_reply_timeout: 1s, on: [timeout, 500] } }
        """;
    static final String LIST = "1 sip:127.0.0.1:5071 0 10\n1 sip:127.0.0.1:5072;transport=tcp 0 5\n";
    static final InetSocketAddress[] SOURCES = {new InetSocketAddress("127.0.0.1", 5555),
        new InetSocketAddress("127.0.0.1", 5071), new InetSocketAddress("::1", 5556)};

    @FuzzTest(maxDuration = "10m")
    void onMessage(byte[] data) throws Exception {
        ProxyHarness h = new ProxyHarness(CONFIG, LIST, 2);
        int start = 0;
        int n = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == 0x7F) {
                if (i > start && n++ < 16) {
                    byte[] msg = Arrays.copyOfRange(data, start, i);
                    int pick = msg[0] & 0xff;
                    int listener = pick % h.listeners.size();
                    InetSocketAddress from = SOURCES[(pick / 3) % SOURCES.length];
                    if (h.listeners.get(listener).ipv6() != (from.getAddress() instanceof java.net.Inet6Address)) {
                        listener = from.getAddress() instanceof java.net.Inet6Address ? 2 : 0;
                    }
                    Object conn = h.listeners.get(listener).transport().reliable() ? "conn-" + from : null;
                    h.currentShard = pick % 2;
                    h.proxy.onMessage(msg, 0, msg.length, h.listeners.get(listener), from, conn);
                    h.clock.advance((pick % 5) * 300L);
                }
                start = i + 1;
            }
        }
        h.clock.advance(40_000); // every timer of every transaction runs out
        if (h.counters.droppedCount(Drop.INTERNAL_ERROR) > 0) {
            throw new AssertionError("an exception was swallowed as an internal error");
        }
        for (ProxyHarness.Sent s : h.sent) {
            if (s.to().getAddress().isLoopbackAddress() || s.firstLine().startsWith("SIP/2.0 ")) {
                continue; // to a destination, or a response going back the way its request came
            }
            // Elsewhere only within a dialog (a To tag: routed by its Route set) or by the relay route.
            boolean inDialog = toHasTag(s.text());
            if (!inDialog && !s.firstLine().contains("relay")) {
                throw new AssertionError("an initial request sent to " + s.to() + ": " + s.firstLine());
            }
        }
    }

    /** Whether the To header (long or compact form) of a message, as sent, carries a tag; line ends as they are. */
    static boolean toHasTag(String text) {
        for (String line : text.split("\r?\n")) {
            if (line.isEmpty()) {
                return false; // the headers are over
            }
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if ((lower.startsWith("to:") || lower.startsWith("to ") || lower.startsWith("t:")) && lower.contains("tag=")) {
                return true;
            }
        }
        return false;
    }
}
