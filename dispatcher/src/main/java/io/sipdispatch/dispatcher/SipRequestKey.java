package io.sipdispatch.dispatcher;

import io.sipdispatch.sip.Header;
import io.sipdispatch.sip.NameAddr;
import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParseException;
import io.sipdispatch.sip.SipUri;

/**
 * The hash keys of a SIP request. Each part is read from the message when an algorithm asks for it, so a
 * Call-ID hash reads the Call-ID and nothing else. With {@code userOnly} (Kamailio's flag {@code u}) the
 * From, To and Request-URI keys are the URI's user part alone.
 */
public final class SipRequestKey implements RequestKey {
    private final SipMessage m;
    private final String sourceIp;
    private final int sourcePort;
    private final boolean userOnly;

    public SipRequestKey(SipMessage m, String sourceIp, int sourcePort, boolean userOnly) {
        this.m = m;
        this.sourceIp = sourceIp;
        this.sourcePort = sourcePort;
        this.userOnly = userOnly;
    }

    @Override
    public String callId() {
        return m.callId();
    }

    @Override
    public String fromUri() {
        return uriKey(uriOf(true));
    }

    @Override
    public String toUri() {
        return uriKey(uriOf(false));
    }

    @Override
    public String requestUri() {
        try {
            return uriKey(m.requestUri());
        } catch (SipParseException e) {
            return null;
        }
    }

    @Override
    public String fromUser() {
        SipUri u = uriOf(true);
        return u == null ? null : u.user();
    }

    @Override
    public String fromDomain() {
        SipUri u = uriOf(true);
        return u == null ? null : u.host();
    }

    @Override
    public String toUser() {
        SipUri u = uriOf(false);
        return u == null ? null : u.user();
    }

    @Override
    public String toDomain() {
        SipUri u = uriOf(false);
        return u == null ? null : u.host();
    }

    @Override
    public String requestUser() {
        try {
            return m.requestUri().user();
        } catch (SipParseException e) {
            return null;
        }
    }

    @Override
    public String requestDomain() {
        try {
            return m.requestUri().host();
        } catch (SipParseException e) {
            return null;
        }
    }

    /**
     * The {@code username} of Proxy-Authorization, else Authorization: the order Kamailio's algorithm 5 reads
     * them in ({@code ds_hash_authusername}), so that a request carrying both keys on the same user.
     */
    @Override
    public String authUser() {
        for (Header h : new Header[] {Header.PROXY_AUTHORIZATION, Header.AUTHORIZATION}) {
            String v = m.first(h);
            if (v != null) {
                String u = digestParam(v, "username");
                if (u != null) {
                    return u;
                }
            }
        }
        return null;
    }

    @Override
    public String sourceIp() {
        return sourceIp;
    }

    @Override
    public String sourcePort() {
        return sourcePort < 0 ? null : Integer.toString(sourcePort);
    }

    @Override
    public String header(String name) {
        return m.first(name);
    }

    private SipUri uriOf(boolean from) {
        try {
            NameAddr na = from ? m.from() : m.to();
            return na == null ? null : na.uri();
        } catch (SipParseException e) {
            return null;
        }
    }

    /** The key of a URI: its user part with {@code userOnly}, else scheme, user and host without parameters. */
    private String uriKey(SipUri u) {
        if (u == null) {
            return null;
        }
        if (userOnly) {
            return u.user();
        }
        if (!u.isSip()) {
            return u.toString();
        }
        String user = u.user();
        return u.scheme() + ":" + (user != null ? user + "@" : "") + u.host() + (u.port() >= 0 ? ":" + u.port() : "");
    }

    /** A parameter of a Digest credential ({@code username="alice"}), unquoted; null when absent. */
    static String digestParam(String credentials, String name) {
        int i = 0;
        String lower = credentials.toLowerCase(java.util.Locale.ROOT);
        while ((i = lower.indexOf(name, i)) >= 0) {
            boolean startOk = i == 0 || " ,\t".indexOf(credentials.charAt(i - 1)) >= 0;
            int j = i + name.length();
            while (j < credentials.length() && credentials.charAt(j) == ' ') {
                j++;
            }
            if (startOk && j < credentials.length() && credentials.charAt(j) == '=') {
                j++;
                while (j < credentials.length() && credentials.charAt(j) == ' ') {
                    j++;
                }
                if (j < credentials.length() && credentials.charAt(j) == '"') {
                    int close = credentials.indexOf('"', j + 1);
                    return close < 0 ? null : credentials.substring(j + 1, close);
                }
                int end = j;
                while (end < credentials.length() && credentials.charAt(end) != ',' && credentials.charAt(end) != ' ') {
                    end++;
                }
                return credentials.substring(j, end);
            }
            i = j;
        }
        return null;
    }
}
