package io.sipdispatch.server.proxy;

import io.sipdispatch.server.config.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Flow tokens (RFC 5626 §5.3, RFC 7118 §5): the user part of the Record-Route this server writes towards a
 * caller on a connection it cannot open again (TLS now, WebSocket later). A request coming back along that
 * route (a BYE from the callee) is sent on the caller's connection, whatever its Contact says: a TLS or
 * WebSocket client listens on no port. The token is the connection's remote address and port with an HMAC
 * of them under a key made at start, so that nobody can make this server send into a connection of their
 * choosing; tokens of an earlier run are refused, as their connections are gone too.
 */
final class FlowTokens {
    /** A connection a token names: its transport and the caller's address. */
    record Flow(Transport transport, InetSocketAddress remote) {
    }

    private static final String PREFIX = "sdf";
    private static final int MAC_BYTES = 8;

    /** One keyed HMAC per thread: made once, not per Record-Route written or Route read. */
    private final ThreadLocal<Mac> macs;

    FlowTokens() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
        macs = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(spec);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        });
    }

    /** The token for the connection of {@code transport} from {@code remote}. */
    String encode(Transport transport, InetSocketAddress remote) {
        byte[] ip = remote.getAddress().getAddress();
        ByteBuffer b = ByteBuffer.allocate(ip.length + 3 + MAC_BYTES);
        b.put(ip).putShort((short) remote.getPort()).put((byte) transport.ordinal());
        b.put(mac(b.array(), ip.length + 3));
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** The connection a token names, or null when it is not a valid token of this run. */
    Flow decode(String user) {
        if (user == null || !user.startsWith(PREFIX)) {
            return null;
        }
        byte[] b;
        try {
            b = Base64.getUrlDecoder().decode(user.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
        int ipLen = b.length - 3 - MAC_BYTES;
        if (ipLen != 4 && ipLen != 16) {
            return null;
        }
        byte[] given = Arrays.copyOfRange(b, ipLen + 3, b.length);
        if (!MessageDigest.isEqual(given, mac(b, ipLen + 3))) {
            return null;
        }
        int t = b[ipLen + 2];
        if (t < 0 || t >= Transport.values().length) {
            return null;
        }
        try {
            InetAddress ip = InetAddress.getByAddress(Arrays.copyOf(b, ipLen));
            return new Flow(Transport.values()[t],
                new InetSocketAddress(ip, ((b[ipLen] & 0xff) << 8) | (b[ipLen + 1] & 0xff)));
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private byte[] mac(byte[] data, int len) {
        Mac m = macs.get();
        m.update(data, 0, len);
        return Arrays.copyOf(m.doFinal(), MAC_BYTES); // doFinal resets it for the next use
    }
}
