package io.sipdispatch.server.trace;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * HEP version 3 (Homer's capture protocol): a SIP message with where it went from and to, when, and its
 * Call-ID, as the generic chunks of the HEP3 specification: "HEP3", the total length, then chunks of
 * vendor 0 — IP family (1), IP protocol (2), IPv4 or IPv6 source and destination (3/4 or 5/6), ports (7, 8),
 * time in seconds and microseconds (9, 10), protocol type 1 = SIP (11), capture agent id (12), the password
 * (14) when one is set, the message (15), and the correlation id (17) = the Call-ID.
 */
public final class HepEncoder {
    public static final int CHUNK_FAMILY = 1;
    public static final int CHUNK_PROTOCOL = 2;
    public static final int CHUNK_IPV4_SRC = 3;
    public static final int CHUNK_IPV4_DST = 4;
    public static final int CHUNK_IPV6_SRC = 5;
    public static final int CHUNK_IPV6_DST = 6;
    public static final int CHUNK_SRC_PORT = 7;
    public static final int CHUNK_DST_PORT = 8;
    public static final int CHUNK_SECONDS = 9;
    public static final int CHUNK_MICROS = 10;
    public static final int CHUNK_PROTO_TYPE = 11;
    public static final int CHUNK_CAPTURE_ID = 12;
    public static final int CHUNK_PASSWORD = 14;
    public static final int CHUNK_PAYLOAD = 15;
    public static final int CHUNK_CORRELATION = 17;

    private HepEncoder() {
    }

    /**
     * One HEP3 packet.
     *
     * @param tcp       whether the message went over a stream (TCP), else UDP
     * @param epochMicros when, in microseconds since 1970
     * @param callId    the correlation id, or null
     * @param password  the collector's password (chunk 14), or null
     */
    public static byte[] encode(InetSocketAddress src, InetSocketAddress dst, boolean tcp, long epochMicros,
                                int captureId, String password, String callId, byte[] msg, int off, int len) {
        boolean v4 = src.getAddress() instanceof Inet4Address && dst.getAddress() instanceof Inet4Address;
        byte[] s = src.getAddress().getAddress();
        byte[] d = dst.getAddress().getAddress();
        if (!v4) {
            s = v6(s);
            d = v6(d);
        }
        byte[] pw = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
        byte[] cid = callId == null ? null : callId.getBytes(StandardCharsets.UTF_8);
        int size = 6 + (6 + 1) * 2 + (6 + s.length) * 2 + (6 + 2) * 2 + (6 + 4) * 2 + (6 + 1) + (6 + 4)
            + (pw == null ? 0 : 6 + pw.length) + 6 + len + (cid == null ? 0 : 6 + cid.length);
        if (size > 0xffff) {
            throw new IllegalArgumentException("a HEP packet holds at most 65535 bytes; the message has " + len);
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte) 'H').put((byte) 'E').put((byte) 'P').put((byte) '3').putShort((short) size);
        chunk(b, CHUNK_FAMILY, 1).put((byte) (v4 ? 2 : 10));
        chunk(b, CHUNK_PROTOCOL, 1).put((byte) (tcp ? 6 : 17));
        chunk(b, v4 ? CHUNK_IPV4_SRC : CHUNK_IPV6_SRC, s.length).put(s);
        chunk(b, v4 ? CHUNK_IPV4_DST : CHUNK_IPV6_DST, d.length).put(d);
        chunk(b, CHUNK_SRC_PORT, 2).putShort((short) src.getPort());
        chunk(b, CHUNK_DST_PORT, 2).putShort((short) dst.getPort());
        chunk(b, CHUNK_SECONDS, 4).putInt((int) (epochMicros / 1_000_000));
        chunk(b, CHUNK_MICROS, 4).putInt((int) (epochMicros % 1_000_000));
        chunk(b, CHUNK_PROTO_TYPE, 1).put((byte) 1);
        chunk(b, CHUNK_CAPTURE_ID, 4).putInt(captureId);
        if (pw != null) {
            chunk(b, CHUNK_PASSWORD, pw.length).put(pw);
        }
        chunk(b, CHUNK_PAYLOAD, len).put(msg, off, len);
        if (cid != null) {
            chunk(b, CHUNK_CORRELATION, cid.length).put(cid);
        }
        return b.array();
    }

    /** An IPv4 address among IPv6 ones as its IPv4-mapped IPv6 form. */
    private static byte[] v6(byte[] a) {
        if (a.length == 16) {
            return a;
        }
        byte[] m = new byte[16];
        m[10] = (byte) 0xff;
        m[11] = (byte) 0xff;
        System.arraycopy(a, 0, m, 12, 4);
        return m;
    }

    private static ByteBuffer chunk(ByteBuffer b, int type, int payload) {
        return b.putShort((short) 0).putShort((short) type).putShort((short) (6 + payload));
    }
}
