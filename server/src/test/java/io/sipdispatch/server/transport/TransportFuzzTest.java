package io.sipdispatch.server.transport;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.sipdispatch.server.config.ListenAddress;
import io.sipdispatch.server.config.TcpSettings;
import io.sipdispatch.server.config.UdpSettings;
import io.sipdispatch.sip.SipLimits;
import io.sipdispatch.sip.SipParseException;
import io.sipdispatch.sip.StreamFramer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzz target over the transport's decoders, as Netty drives them: the TCP handler (stream framing, CRLF
 * keepalives, closing an unframeable stream) and the UDP handler. The input's first byte picks how the rest is
 * cut into reads. In the normal build it replays the saved inputs under
 * {@code src/test/resources/io/sipdispatch/server/transport/TransportFuzzTestInputs/decode/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes. The properties:
 * <ul>
 *   <li>TCP: whatever the reads, the proxy gets the same messages and the peer the same pongs as from the
 *       whole stream framed at once, and the connection is closed exactly when that framing fails;</li>
 *   <li>UDP: each non-empty datagram reaches the proxy whole and unchanged;</li>
 *   <li>no exception escapes either handler, and every buffer Netty handed them is released.</li>
 * </ul>
 */
class TransportFuzzTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 5099);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5060);
    private static final Listener TCP = new Listener(ListenAddress.parse("tcp:127.0.0.1:5060"), 0);
    private static final Listener UDP = new Listener(ListenAddress.parse("udp:127.0.0.1:5060"), 1);
    private static final List<String> delivered = new ArrayList<>();
    /** Only for its counters and read bookkeeping: never started, so it opens no socket. */
    private static final NettyTransport TRANSPORT = new NettyTransport(List.of(TCP, UDP),
        (b, off, len, in, src, conn) -> delivered.add(new String(b, off, len, StandardCharsets.ISO_8859_1)),
        new TcpSettings(null, null, null), new UdpSettings(null, null, 1));

    @AfterAll
    static void close() {
        TRANSPORT.close(0);
    }

    @FuzzTest(maxDuration = "10m")
    void decode(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int cut = data[0] & 0xff;
        byte[] stream = Arrays.copyOfRange(data, 1, data.length);
        tcp(stream, cut);
        udp(stream, cut);
    }

    private static void tcp(byte[] stream, int cut) {
        // What the whole stream framed at once gives: messages, pings (each answered by a pong) and whether it fails.
        List<String> messages = new ArrayList<>();
        int[] pings = {0};
        boolean unframeable = false;
        try {
            new StreamFramer(SipLimits.DEFAULT).feed(stream, 0, stream.length, new StreamFramer.Sink() {
                @Override
                public void message(byte[] b, int off, int len) {
                    messages.add(new String(b, off, len, StandardCharsets.ISO_8859_1));
                }

                @Override
                public void keepalive(boolean ping) {
                    pings[0] += ping ? 1 : 0;
                }
            });
        } catch (SipParseException e) {
            unframeable = true;
        }

        delivered.clear();
        EmbeddedChannel ch = new Connection(new TcpHandler(TCP, (b, off, len, in, src, conn) -> {
            if (!src.equals(PEER)) {
                throw new AssertionError("a message attributed to " + src + ", not to the connection's peer");
            }
            delivered.add(new String(b, off, len, StandardCharsets.ISO_8859_1));
        }, TRANSPORT));
        List<ByteBuf> reads = new ArrayList<>();
        for (byte[] read : cut(stream, cut)) {
            if (!ch.isOpen()) {
                break; // closed on an unframeable stream: nothing more is read
            }
            ByteBuf b = ByteBufAllocator.DEFAULT.buffer(read.length).writeBytes(read);
            reads.add(b);
            ch.writeInbound(b);
        }
        int pongs = 0;
        for (Object out; (out = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) out;
            if (!b.toString(StandardCharsets.ISO_8859_1).equals("\r\n")) {
                throw new AssertionError("the TCP handler wrote something other than a pong");
            }
            b.release();
            pongs++;
        }
        if (!delivered.equals(messages)) {
            throw new AssertionError("cut into reads (" + cut + "), the stream gave " + delivered.size()
                + " message(s), framed whole " + messages.size());
        }
        if (pongs != pings[0]) {
            throw new AssertionError("cut into reads (" + cut + "), " + pongs + " pong(s) for " + pings[0] + " ping(s)");
        }
        if (ch.isOpen() == unframeable) {
            throw new AssertionError(unframeable ? "an unframeable stream left open" : "a framed stream closed");
        }
        ch.finishAndReleaseAll();
        for (ByteBuf b : reads) {
            if (b.refCnt() != 0) {
                throw new AssertionError("a read's buffer was not released");
            }
        }
    }

    private static void udp(byte[] stream, int cut) {
        delivered.clear();
        EmbeddedChannel ch = new EmbeddedChannel(new UdpHandler(UDP, (b, off, len, in, src, conn) -> {
            if (conn != null || !src.equals(PEER)) {
                throw new AssertionError("a datagram attributed to " + src + " on " + conn);
            }
            delivered.add(new String(b, off, len, StandardCharsets.ISO_8859_1));
        }, TRANSPORT, 0));
        List<String> sent = new ArrayList<>();
        List<ByteBuf> reads = new ArrayList<>();
        for (byte[] datagram : cut(stream, cut)) {
            ByteBuf b = ByteBufAllocator.DEFAULT.buffer(datagram.length).writeBytes(datagram);
            reads.add(b);
            sent.add(new String(datagram, StandardCharsets.ISO_8859_1));
            ch.writeInbound(new DatagramPacket(b, LOCAL, PEER));
        }
        if (!delivered.equals(sent)) {
            throw new AssertionError("datagrams were not delivered whole and in order");
        }
        ch.finishAndReleaseAll();
        for (ByteBuf b : reads) {
            if (b.refCnt() != 0) {
                throw new AssertionError("a datagram's buffer was not released");
            }
        }
    }

    /** {@code stream} cut into reads (or datagrams) as {@link #readSize} says. */
    private static List<byte[]> cut(byte[] stream, int cut) {
        List<byte[]> reads = new ArrayList<>();
        for (int p = 0, i = 0; p < stream.length; i++) {
            int n = Math.min(stream.length - p, readSize(cut, i));
            reads.add(Arrays.copyOfRange(stream, p, p + n));
            p += n;
        }
        return reads;
    }

    /** The size of read {@code i}: from one byte at a time to whole kilobytes, as {@code cut} says. */
    private static int readSize(int cut, int i) {
        return switch (cut % 4) {
            case 0 -> 1 + (cut >> 2);
            case 1 -> 1 + (i * 7 + cut) % 13;
            case 2 -> 1 + ((i * 131 + cut * 17) % 1500);
            default -> 64 * 1024;
        };
    }

    /** An in-memory connection whose peer is an IP address, as the handler's connections have. */
    private static final class Connection extends EmbeddedChannel {
        Connection(TcpHandler handler) {
            super(handler);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return PEER;
        }
    }
}
