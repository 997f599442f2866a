package io.sipdispatch.server.load;

/**
 * {@code fs://[user]:password@host[:port]}, the form of OpenSIPS's dispatcher weight column: the event socket of a
 * FreeSWITCH box, default port 8021. The password is taken literally, as OpenSIPS does.
 *
 * @param user     null when the URL names none ({@code fs://:password@host}): then {@code auth}, else {@code userauth}
 * @param password what {@code auth} or {@code userauth} sends; may be empty
 * @param host     a name or an address, an IPv6 one without its brackets
 * @param port     1 to 65535
 */
public record EslUrl(String user, String password, String host, int port) {
    private static final String SCHEME = "fs://";
    private static final int DEFAULT_PORT = 8021;

    public static EslUrl parse(String text) {
        if (text == null || !text.strip().startsWith(SCHEME)) {
            throw new IllegalArgumentException("'" + redact(text) + "' is not an fs:// URL (fs://[user]:password@host[:port])");
        }
        String rest = text.strip().substring(SCHEME.length());
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1); // as the dispatcher attribute allows
        }
        int at = rest.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("'" + redact(text) + "' has no '@': fs://[user]:password@host[:port]");
        }
        String credentials = rest.substring(0, at);
        int colon = credentials.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + redact(text) + "' has no password: fs://[user]:password@host[:port]"
                + " (an empty user is written fs://:password@host)");
        }
        String user = credentials.substring(0, colon);
        String password = credentials.substring(colon + 1);
        String hostPort = rest.substring(at + 1);
        String host;
        String port;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0 || (close + 1 < hostPort.length() && hostPort.charAt(close + 1) != ':')) {
                throw new IllegalArgumentException("'" + redact(text) + "': bad [IPv6] host '" + hostPort + "'");
            }
            host = hostPort.substring(1, close);
            port = close + 1 < hostPort.length() ? hostPort.substring(close + 2) : null;
        } else {
            int c = hostPort.indexOf(':');
            host = c < 0 ? hostPort : hostPort.substring(0, c);
            port = c < 0 ? null : hostPort.substring(c + 1);
        }
        if (host.isEmpty() || host.contains("/")) {
            throw new IllegalArgumentException("'" + redact(text) + "' names no host");
        }
        return new EslUrl(user.isEmpty() ? null : user, password, host, port == null ? DEFAULT_PORT : port(text, port));
    }

    private static int port(String text, String port) {
        int p = port.matches("\\d{1,5}") ? Integer.parseInt(port) : 0;
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("'" + redact(text) + "': port '" + port + "' is not 1 to 65535");
        }
        return p;
    }

    /** For messages about a URL that did not parse: the password, or what may be one, is hidden. */
    private static String redact(String text) {
        int slashes = text == null ? -1 : text.indexOf("//");
        if (slashes < 0) {
            return text;
        }
        int at = text.lastIndexOf('@');
        if (at > slashes) {
            int colon = text.indexOf(':', slashes);
            return text.substring(0, colon > 0 && colon < at ? colon + 1 : slashes + 2) + "***" + text.substring(at);
        }
        int colon = text.indexOf(':', slashes);
        return colon < 0 ? text : text.substring(0, colon + 1) + "***";
    }

    /** One connection per box: host, port and credentials. */
    public String box() {
        return (user == null ? "" : user + "@") + hostPort();
    }

    private String hostPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Never the password. */
    @Override
    public String toString() {
        return SCHEME + (user == null ? "" : user) + ":***@" + hostPort();
    }
}
