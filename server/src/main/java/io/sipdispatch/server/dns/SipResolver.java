package io.sipdispatch.server.dns;

import io.sipdispatch.server.config.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NAPTRRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * RFC 3263 §4: where a SIP URI with a host name goes. With a port: the name's addresses (A and AAAA).
 * With a transport but no port: the SRV records of that transport ({@code _sip._udp}, {@code _sip._tcp},
 * {@code _sips._tcp}), each target's addresses with the SRV's port, priority and weight. With neither: the
 * NAPTR records first (the services sipdispatch speaks, in order and preference), then SRV, then the plain
 * addresses on the transport's default port. Every SRV target is kept, not only the first (RFC 2782), and
 * the answer carries the smallest TTL seen, for the cache to refresh by. Blocking: called from the cache's
 * own thread, never on the message path.
 */
public final class SipResolver {
    /** One address the name resolves to, with what the SRV record said of it (0 and 1 without one). */
    public record Target(Transport transport, InetSocketAddress address, int priority, int weight, String host) {
    }

    /** A resolution: the targets, best priority first, and how long it may be used. */
    public record Answer(List<Target> targets, long ttlSeconds) {
    }

    /** The name does not resolve (NXDOMAIN, no records) or the server did not answer: why, as said. */
    public static final class DnsException extends Exception {
        public DnsException(String message) {
            super(message);
        }
    }

    private final Resolver dns;

    public SipResolver(Resolver dns) {
        this.dns = dns;
    }

    /**
     * Resolves {@code host} as the host of a SIP URI.
     *
     * @param transport the URI's transport parameter, or null
     * @param port      the URI's port, or 0
     * @param secure    a {@code sips:} URI (TLS only)
     */
    public Answer resolve(String host, Transport transport, int port, boolean secure) throws DnsException {
        if (secure && (transport == null || transport == Transport.TCP)) {
            transport = transport == null ? null : Transport.TLS; // sips: goes over TLS only
        }
        long[] ttl = {Long.MAX_VALUE};
        List<Target> out;
        if (port > 0) {
            Transport t = transport != null ? transport : (secure ? Transport.TLS : Transport.UDP);
            out = addresses(host, t, port, 0, 1, ttl);
        } else if (transport != null) {
            out = srvOrAddresses(host, transport, ttl);
        } else {
            out = naptr(host, secure, ttl);
            if (out == null) {
                out = new ArrayList<>();
                for (Transport t : secure ? List.of(Transport.TLS) : List.of(Transport.UDP, Transport.TCP, Transport.TLS)) {
                    List<Target> srv = srv(host, t, ttl);
                    if (!srv.isEmpty()) {
                        out = srv;
                        break;
                    }
                }
                if (out.isEmpty()) {
                    Transport t = secure ? Transport.TLS : Transport.UDP;
                    out = addresses(host, t, t.secure() ? 5061 : 5060, 0, 1, ttl);
                }
            }
        }
        if (out.isEmpty()) {
            throw new DnsException(host + ": no address (no NAPTR, SRV, A or AAAA record)");
        }
        out.sort(Comparator.comparingInt(Target::priority));
        return new Answer(List.copyOf(out), ttl[0] == Long.MAX_VALUE ? 0 : ttl[0]);
    }

    private List<Target> srvOrAddresses(String host, Transport t, long[] ttl) throws DnsException {
        List<Target> srv = srv(host, t, ttl);
        return srv.isEmpty() ? addresses(host, t, t.secure() ? 5061 : 5060, 0, 1, ttl) : srv;
    }

    /** NAPTR (RFC 3263 §4.1): the services spoken here, in order then preference; null when there is none. */
    private List<Target> naptr(String host, boolean secure, long[] ttl) throws DnsException {
        List<Record> rs = query(host, Type.NAPTR, ttl);
        List<NAPTRRecord> usable = new ArrayList<>();
        for (Record r : rs) {
            if (r instanceof NAPTRRecord n && "s".equalsIgnoreCase(n.getFlags()) && service(n.getService(), secure) != null) {
                usable.add(n);
            }
        }
        if (usable.isEmpty()) {
            return null;
        }
        usable.sort(Comparator.comparingInt(NAPTRRecord::getOrder).thenComparingInt(NAPTRRecord::getPreference));
        for (NAPTRRecord n : usable) {
            List<Target> srv = srvAt(n.getReplacement().toString(true), service(n.getService(), secure), ttl);
            if (!srv.isEmpty()) {
                return srv;
            }
        }
        return List.of();
    }

    private static Transport service(String s, boolean secure) {
        return switch (s.toUpperCase(Locale.ROOT)) {
            case "SIP+D2U" -> secure ? null : Transport.UDP;
            case "SIP+D2T" -> secure ? null : Transport.TCP;
            case "SIPS+D2T" -> Transport.TLS;
            default -> null;
        };
    }

    private List<Target> srv(String host, Transport t, long[] ttl) throws DnsException {
        String prefix = t == Transport.TLS ? "_sips._tcp." : t == Transport.TCP ? "_sip._tcp." : "_sip._udp.";
        return srvAt(prefix + host, t, ttl);
    }

    /** Every target of the SRV records at {@code name}, each of its addresses with the record's port. */
    private List<Target> srvAt(String name, Transport t, long[] ttl) throws DnsException {
        List<Target> out = new ArrayList<>();
        for (Record r : query(name, Type.SRV, ttl)) {
            if (r instanceof SRVRecord s && !s.getTarget().equals(Name.root)) {
                out.addAll(addresses(s.getTarget().toString(true), t, s.getPort(), s.getPriority(), s.getWeight(), ttl));
            }
        }
        return out;
    }

    private List<Target> addresses(String host, Transport t, int port, int priority, int weight, long[] ttl)
        throws DnsException {
        List<Target> out = new ArrayList<>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            for (Record r : query(host, type, ttl)) {
                InetAddress a = r instanceof ARecord ar ? ar.getAddress() : r instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
                if (a != null) {
                    out.add(new Target(t, new InetSocketAddress(a, port), priority, weight, host));
                }
            }
        }
        return out;
    }

    /** The answer records of one query; none for NXDOMAIN or an empty answer; an exception when DNS fails. */
    private List<Record> query(String name, int type, long[] ttl) throws DnsException {
        Message answer;
        try {
            Name n = Name.fromString(name.endsWith(".") ? name : name + ".");
            answer = dns.send(Message.newQuery(Record.newRecord(n, type, DClass.IN)));
        } catch (TextParseException e) {
            throw new DnsException(name + ": not a DNS name (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new DnsException(name + " " + Type.string(type) + ": no answer from DNS (" + e.getMessage() + ")");
        }
        int rcode = answer.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            throw new DnsException(name + " " + Type.string(type) + ": DNS answered " + Rcode.string(rcode));
        }
        List<Record> out = new ArrayList<>();
        for (Record r : answer.getSection(Section.ANSWER)) {
            if (r.getType() == type) {
                out.add(r);
                ttl[0] = Math.min(ttl[0], r.getTTL());
            }
        }
        return out;
    }
}
