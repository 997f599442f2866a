package io.sipdispatch.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address or a network ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, {@code 127.0.0.1}). */
public record Cidr(byte[] network, int prefix) {

    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        HostPort hp = new HostPort(addr, 0);
        if (!hp.isIpLiteral()) {
            throw new IllegalArgumentException("not an IP address or network: '" + text + "'");
        }
        byte[] ip;
        try {
            ip = InetAddress.getByName(hp.literal()).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address or network: '" + text + "'");
        }
        int prefix = ip.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > ip.length * 8) {
                throw new IllegalArgumentException("bad prefix length in '" + text + "'");
            }
        }
        return new Cidr(ip, prefix);
    }

    public boolean contains(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (b[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (b[full] & mask) == (network[full] & mask);
    }
}
