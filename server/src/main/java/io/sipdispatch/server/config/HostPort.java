package io.sipdispatch.server.config;

/**
 * {@code host[:port]} as SIP writes it: IPv6 references in brackets ({@code [::1]:5060}).
 *
 * @param host as written, brackets included for IPv6
 * @param port 0 when absent and no default was given
 */
public record HostPort(String host, int port) {

    public static HostPort parse(String text, int defaultPort) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty address");
        }
        String host;
        String portText = null;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '[' in '" + text + "'");
            }
            host = t.substring(0, close + 1);
            if (close + 1 < t.length()) {
                if (t.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("expected ':' after ']' in '" + text + "'");
                }
                portText = t.substring(close + 2);
            }
        } else {
            int colon = t.indexOf(':');
            if (colon >= 0 && t.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("an IPv6 address needs brackets: '[" + t + "]'");
            }
            host = colon < 0 ? t : t.substring(0, colon);
            portText = colon < 0 ? null : t.substring(colon + 1);
        }
        int port = defaultPort;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("bad port '" + portText + "' in '" + text + "'");
            }
        }
        return new HostPort(host, port);
    }

    /** The host without IPv6 brackets. */
    public String literal() {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    public boolean isIpLiteral() {
        String h = literal();
        if (h.indexOf(':') >= 0) {
            return true;
        }
        if (h.isEmpty()) {
            return false;
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (!(c == '.' || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }
}
