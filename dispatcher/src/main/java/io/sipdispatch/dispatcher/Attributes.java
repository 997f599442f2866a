package io.sipdispatch.dispatcher;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A destination's {@code attrs}: Kamailio's {@code key=value;key=value} string, kept whole and in order, so
 * that keys sipdispatch does not use stay visible to the operator. The keys Kamailio gives a meaning to
 * have typed getters: {@code duid}, {@code weight}, {@code rweight}, {@code maxload}, {@code socket},
 * {@code ping_from}, {@code latency}. A value may be quoted to hold ';' ({@code ping_from="sip:lb@example.com;transport=tcp"}).
 */
public final class Attributes {
    public static final Attributes NONE = new Attributes("", Collections.emptyMap());

    private final String raw;
    private final Map<String, String> values;

    private Attributes(String raw, Map<String, String> values) {
        this.raw = raw;
        this.values = values;
    }

    /** Parses an attrs string; an empty one gives {@link #NONE}. Bad syntax raises with the reason. */
    public static Attributes parse(String attrs) {
        if (attrs == null || attrs.isBlank()) {
            return NONE;
        }
        Map<String, String> values = new LinkedHashMap<>();
        int i = 0;
        int len = attrs.length();
        while (i < len) {
            int eq = attrs.indexOf('=', i);
            int semi = attrs.indexOf(';', i);
            if (eq < 0 || (semi >= 0 && semi < eq)) {
                int end = semi < 0 ? len : semi;
                String name = attrs.substring(i, end).trim();
                if (!name.isEmpty()) {
                    throw new IllegalArgumentException("attribute '" + name + "' has no value");
                }
                i = end + 1;
                continue;
            }
            String name = attrs.substring(i, eq).trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("attribute without a name at offset " + i);
            }
            int vs = eq + 1;
            String value;
            int next;
            if (vs < len && attrs.charAt(vs) == '"') {
                int close = attrs.indexOf('"', vs + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("unterminated quote in attribute '" + name + "'");
                }
                value = attrs.substring(vs + 1, close);
                next = close + 1;
                if (next < len && attrs.charAt(next) != ';') {
                    throw new IllegalArgumentException("text after the quoted value of '" + name + "'");
                }
            } else {
                next = semi < 0 ? len : semi;
                value = attrs.substring(vs, next).trim();
            }
            if (values.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("attribute '" + name + "' given twice");
            }
            i = next + 1;
        }
        Attributes a = new Attributes(attrs, Collections.unmodifiableMap(values));
        a.checkNumbers();
        return a;
    }

    private void checkNumbers() {
        for (String key : new String[] {"weight", "rweight", "maxload", "latency"}) {
            String v = values.get(key);
            if (key.equals("weight") && v != null && v.startsWith("fs://")) {
                continue; // OpenSIPS's FreeSWITCH weight: the box's event socket says it at run time
            }
            if (v != null && !v.matches("\\d{1,9}")) {
                throw new IllegalArgumentException("attribute '" + key + "' must be a non-negative integer, not '" + v + "'");
            }
        }
        resources(values.get("resources"));
        String url = weightUrl();
        if (url != null && !FS_URL.matcher(url).matches()) {
            throw new IllegalArgumentException("weight '" + url.replaceAll("^fs://[^@]*(@|$)", "fs://***$1")
                + "' is not a FreeSWITCH event socket URL fs://[user]:password@host[:port]");
        }
    }

    /** OpenSIPS's FreeSWITCH weight: fs://[user]:password@host[:port], host a name, an IPv4 or an [IPv6] address. */
    private static final java.util.regex.Pattern FS_URL =
        java.util.regex.Pattern.compile("fs://[^:@/]*:[^@/]*@(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(:\\d{1,5})?/?");

    /** The attrs string as written. */
    public String raw() {
        return raw;
    }

    /** Every attribute, in written order. */
    public Map<String, String> asMap() {
        return values;
    }

    public String get(String key) {
        return values.get(key);
    }

    /** Destination unique id, or null. */
    public String duid() {
        return values.get("duid");
    }

    /** {@code weight}, or {@code dflt} when absent or a FreeSWITCH URL ({@link #weightUrl()}). */
    public int weight(int dflt) {
        return weightUrl() != null ? dflt : number("weight", dflt);
    }

    /**
     * The FreeSWITCH event socket whose heartbeats set this destination's weight: {@code weight_url}, or a
     * {@code weight} written as OpenSIPS's {@code fs://[user]:password@host[:port]}; null when static.
     */
    public String weightUrl() {
        String url = values.get("weight_url");
        if (url != null) {
            return url;
        }
        String w = values.get("weight");
        return w != null && w.startsWith("fs://") ? w : null;
    }

    /**
     * {@code resources}: the capacity of each resource the destination offers, as OpenSIPS's load_balancer
     * writes it ({@code "pstn=32;transc=5"}, quoted in attrs since it holds ';'; ',' separates as well).
     */
    public Map<String, Integer> resources() {
        return resources(values.get("resources"));
    }

    private static Map<String, Integer> resources(String v) {
        if (v == null) {
            return Map.of();
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String part : v.split("[;,]")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = eq < 0 ? "" : part.substring(0, eq).trim();
            String cap = eq < 0 ? "" : part.substring(eq + 1).trim();
            if (name.isEmpty() || !cap.matches("\\d{1,9}")) {
                throw new IllegalArgumentException("resources: '" + part.trim() + "' is not name=capacity");
            }
            if (out.put(name, Integer.parseInt(cap)) != null) {
                throw new IllegalArgumentException("resources: '" + name + "' given twice");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** {@code rweight}, or {@code dflt} when absent. */
    public int rweight(int dflt) {
        return number("rweight", dflt);
    }

    /** {@code maxload}: active calls allowed (0 or absent: no limit). */
    public int maxload() {
        return number("maxload", 0);
    }

    /**
     * {@code latency}: the round trip in milliseconds the latency estimate starts from, before any keepalive
     * has measured one (Kamailio's attribute of that name); 0 when absent.
     */
    public int latencyMillis() {
        return number("latency", 0);
    }

    /** The local socket to send from ({@code udp:192.0.2.1:5060}), or null. */
    public String socket() {
        return values.get("socket");
    }

    /** The name of the local socket to send from (Kamailio's {@code sockname}), or null. */
    public String sockname() {
        return values.get("sockname");
    }

    /** The From URI of this destination's OPTIONS probes, or null for the global one. */
    public String pingFrom() {
        return values.get("ping_from");
    }

    private int number(String key, int dflt) {
        String v = values.get(key);
        return v == null ? dflt : Integer.parseInt(v);
    }

    @Override
    public String toString() {
        return raw;
    }

    @Override
    public boolean equals(Object o) {
        // The same text is the same attributes: a reload compares ten thousand of them, mostly unchanged.
        return o instanceof Attributes a && (a.raw.equals(raw) || a.values.equals(values));
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }
}
