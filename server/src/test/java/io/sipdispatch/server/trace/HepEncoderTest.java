package io.sipdispatch.server.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HEP3 packets as the specification lays them out, and the Call-ID scan that fills the correlation chunk. */
class HepEncoderTest {
    static Map<Integer, byte[]> chunks(byte[] p) {
        ByteBuffer b = ByteBuffer.wrap(p);
        b.position(6);
        Map<Integer, byte[]> out = new LinkedHashMap<>();
        while (b.hasRemaining()) {
            b.getShort();
            int type = b.getShort();
            byte[] v = new byte[b.getShort() - 6];
            b.get(v);
            out.put(type, v);
        }
        return out;
    }

    @Test
    void anIpv6MessageOverTcpCarriesSixteenByteAddressesAndEveryChunkInOrder() {
        byte[] msg = "BYE sip:a@[::1] SIP/2.0\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] p = HepEncoder.encode(new InetSocketAddress("::1", 5060), new InetSocketAddress("::1", 5080), true,
            1_700_000_000_123_456L, 7, null, "c@h", msg, 0, msg.length);
        assertThat(new String(p, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("HEP3");
        assertThat(ByteBuffer.wrap(p, 4, 2).getShort() & 0xffff).isEqualTo(p.length);
        Map<Integer, byte[]> c = chunks(p);
        assertThat(c.keySet()).containsExactly(1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 15, 17);
        assertThat(c.get(1)[0]).isEqualTo((byte) 10);
        assertThat(c.get(2)[0]).isEqualTo((byte) 6);
        assertThat(c.get(5)).hasSize(16);
        assertThat(ByteBuffer.wrap(c.get(8)).getShort()).isEqualTo((short) 5080);
        assertThat(ByteBuffer.wrap(c.get(9)).getInt()).isEqualTo(1_700_000_000);
        assertThat(ByteBuffer.wrap(c.get(10)).getInt()).isEqualTo(123_456);
        assertThat(c.get(15)).isEqualTo(msg);
        assertThat(new String(c.get(17), StandardCharsets.UTF_8)).isEqualTo("c@h");
    }

    @Test
    void aMessageTooBigForOnePacketIsRefused() {
        byte[] big = new byte[70_000];
        assertThatThrownBy(() -> HepEncoder.encode(new InetSocketAddress("127.0.0.1", 1),
            new InetSocketAddress("127.0.0.1", 2), false, 0, 1, null, null, big, 0, big.length))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCallIdIsFoundInItsLongAndCompactFormsAndNotInTheBody() {
        byte[] longForm = "INVITE sip:a@b SIP/2.0\r\nVia: x\r\nCALL-ID :  abc@host \r\n\r\nCall-ID: body\r\n"
            .getBytes(StandardCharsets.UTF_8);
        assertThat(SipTracer.callId(longForm, 0, longForm.length)).isEqualTo("abc@host");
        byte[] compact = "SIP/2.0 200 OK\ni: short@h\nCSeq: 1 INVITE\n\n".getBytes(StandardCharsets.UTF_8);
        assertThat(SipTracer.callId(compact, 0, compact.length)).isEqualTo("short@h");
        byte[] none = "OPTIONS sip:a SIP/2.0\r\nInfo-X: 1\r\n\r\ni: body@h\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(SipTracer.callId(none, 0, none.length)).isNull();
    }
}
