package io.sipdispatch.dispatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The key of Kamailio's hash-over-a-variable algorithm (7), written as in its {@code hash_pvar} parameter:
 * literal text and variables, e.g. {@code $fU@$ci} or {@code $hdr(X-Tenant)-$rU}. Variables: {@code $ci}
 * Call-ID; {@code $fu $fU $fd} From URI, user, domain; {@code $tu $tU $td} the same of To; {@code $ru $rU
 * $rd} of the Request-URI; {@code $au} the authentication user; {@code $si $sp} source IP and port;
 * {@code $hdr(Name)} a header's first value. A variable the request lacks reads as empty (Kamailio prints
 * {@code <null>} there). When every variable is empty the template yields no key (null), whatever its
 * literal text: hash-key then selects nothing, as Kamailio's selection fails when its key prints empty,
 * rather than sending every such request to the one destination a constant key would pick.
 */
public final class KeyTemplate implements Function<RequestKey, String> {
    /** A piece of the template: literal text, or a variable read from the request. */
    private record Part(Function<RequestKey, String> value, boolean literal) {
    }

    private final String text;
    private final List<Part> parts;

    private KeyTemplate(String text, List<Part> parts) {
        this.text = text;
        this.parts = parts;
    }

    /** Parses a template; an unknown variable raises with its position. */
    public static KeyTemplate parse(String template) {
        List<Part> parts = new ArrayList<>();
        int i = 0;
        int n = template.length();
        StringBuilder literal = new StringBuilder();
        while (i < n) {
            char c = template.charAt(i);
            if (c != '$') {
                literal.append(c);
                i++;
                continue;
            }
            if (literal.length() > 0) {
                String lit = literal.toString();
                parts.add(new Part(k -> lit, true));
                literal.setLength(0);
            }
            if (template.startsWith("$hdr(", i)) {
                int close = template.indexOf(')', i);
                if (close < 0 || close == i + 5) {
                    throw new IllegalArgumentException("$hdr( without a header name and ')' at position " + i);
                }
                String name = template.substring(i + 5, close);
                parts.add(new Part(k -> k.header(name), false));
                i = close + 1;
                continue;
            }
            String var = i + 3 <= n ? template.substring(i, i + 3) : template.substring(i);
            Function<RequestKey, String> f = variable(var);
            if (f == null) {
                throw new IllegalArgumentException("unknown variable '" + var + "' at position " + i
                    + " (known: $ci $fu $fU $fd $tu $tU $td $ru $rU $rd $au $si $sp $hdr(Name))");
            }
            parts.add(new Part(f, false));
            i += 3;
        }
        if (literal.length() > 0) {
            String lit = literal.toString();
            parts.add(new Part(k -> lit, true));
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("empty key template");
        }
        return new KeyTemplate(template, List.copyOf(parts));
    }

    private static Function<RequestKey, String> variable(String v) {
        return switch (v) {
            case "$ci" -> RequestKey::callId;
            case "$fu" -> RequestKey::fromUri;
            case "$fU" -> RequestKey::fromUser;
            case "$fd" -> RequestKey::fromDomain;
            case "$tu" -> RequestKey::toUri;
            case "$tU" -> RequestKey::toUser;
            case "$td" -> RequestKey::toDomain;
            case "$ru" -> RequestKey::requestUri;
            case "$rU" -> RequestKey::requestUser;
            case "$rd" -> RequestKey::requestDomain;
            case "$au" -> RequestKey::authUser;
            case "$si" -> RequestKey::sourceIp;
            case "$sp" -> RequestKey::sourcePort;
            default -> null;
        };
    }

    /** The key for one request, or null when every variable in it was empty. */
    @Override
    public String apply(RequestKey k) {
        StringBuilder sb = new StringBuilder(32);
        boolean any = false;
        for (Part p : parts) {
            String v = p.value().apply(k);
            if (v != null && !v.isEmpty()) {
                sb.append(v);
                any |= !p.literal();
            }
        }
        return any ? sb.toString() : null;
    }

    @Override
    public String toString() {
        return text;
    }
}
