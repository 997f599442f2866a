package io.sipdispatch.dispatcher;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Every algorithm sipdispatch has, with its canonical name, the other names it answers to, and its number
 * in Kamailio's and in OpenSIPS's {@code ds_select_dst}, for the configuration, the docs and the management
 * API. Names are stable: configurations name them.
 *
 * <p>Sources for the numbers: Kamailio's dispatcher module docs ({@code dispatcher_admin.xml}, function
 * {@code ds_select_dst}) and {@code DS_ALG_*} in its {@code dispatch.c} (6.2 development branch, 2026);
 * OpenSIPS's dispatcher module docs ({@code README.md}, {@code ds_select_dst}), 3.x development branch.
 * Where the projects differ: OpenSIPS's 4 is weighted round-robin (Kamailio's 9, not its 4), and its 9
 * picks the least loaded destination from a load the script reads ({@code pvar_algo_pattern}): here
 * free-capacity, fed by FreeSWITCH heartbeats or {@code dispatcher.set_load}. OpenSIPS's 10 runs a script
 * route ({@code algo_route}) and is refused. Resources (OpenSIPS's load_balancer module) has no number.
 */
public enum AlgorithmKind {
    HASH_CALL_ID("hash-call-id", 0, 0),
    HASH_FROM_URI("hash-from-uri", 1, 1),
    HASH_TO_URI("hash-to-uri", 2, 2),
    HASH_REQUEST_URI("hash-request-uri", 3, 3),
    ROUND_ROBIN("round-robin", 4, -1),
    HASH_AUTH_USER("hash-auth-user", 5, 5),
    RANDOM("random", 6, 6),
    HASH_KEY("hash-key", 7, 7),
    PRIORITY("priority", 8, 8, "first", "serial"),
    WEIGHT("weight", 9, 4, "weighted-round-robin"),
    CALL_LOAD("call-load", 10, -1),
    RELATIVE_WEIGHT("relative-weight", 11, -1),
    PARALLEL("parallel", 12, -1),
    LATENCY("latency", 13, -1),
    ROUND_ROBIN_OR_SERIAL("round-robin-or-serial", 14, -1),
    PRIORITY_WEIGHT("priority-weight", 15, -1, "srv"),
    ROUND_ROBIN_OVERLOAD("round-robin-overload", 64, -1),
    FREE_CAPACITY("free-capacity", -1, 9, "load"),
    RESOURCES("resources", -1, -1, "load-balancer");

    /** OpenSIPS's {@code algo_route} algorithm: a script route orders the destinations. */
    private static final int OPENSIPS_ALGO_ROUTE = 10;

    private final String canonicalName;
    private final int kamailio; // -1: none
    private final int opensips; // -1: none
    private final List<String> aliases;

    AlgorithmKind(String canonicalName, int kamailio, int opensips, String... aliases) {
        this.canonicalName = canonicalName;
        this.kamailio = kamailio;
        this.opensips = opensips;
        this.aliases = List.of(aliases);
    }

    /** The name {@link Algorithm#name()} gives, e.g. {@code hash-call-id}. */
    public String canonicalName() {
        return canonicalName;
    }

    /** Other names accepted for it, e.g. {@code first} for priority. */
    public List<String> aliases() {
        return aliases;
    }

    /** Its number in Kamailio's {@code ds_select_dst}. */
    public OptionalInt kamailioNumber() {
        return kamailio < 0 ? OptionalInt.empty() : OptionalInt.of(kamailio);
    }

    /** Its number in OpenSIPS's {@code ds_select_dst}, if OpenSIPS has it. */
    public OptionalInt opensipsNumber() {
        return opensips < 0 ? OptionalInt.empty() : OptionalInt.of(opensips);
    }

    /** Its number under {@code numbering}, if that project has it. */
    public OptionalInt number(Numbering numbering) {
        return numbering == Numbering.OPENSIPS ? opensipsNumber() : kamailioNumber();
    }

    /** Whether it hashes a key of the request (and so depends on {@link HashMode}). */
    public boolean isHash() {
        return this == HASH_CALL_ID || this == HASH_FROM_URI || this == HASH_TO_URI || this == HASH_REQUEST_URI
            || this == HASH_AUTH_USER || this == HASH_KEY;
    }

    /** Whether it needs a key template (Kamailio's {@code hash_pvar}). */
    public boolean needsKeyTemplate() {
        return this == HASH_KEY;
    }

    /**
     * The algorithm {@code text} names: a number under {@code numbering} (null: Kamailio's), or a name or
     * alias (any case).
     * A number the project does not define means priority, which is what Kamailio and OpenSIPS both do
     * with one ("the first entry in set is chosen").
     *
     * @throws IllegalArgumentException for an empty text, a negative number, an unknown name, or OpenSIPS's
     *                                  script-driven algorithm 10
     */
    public static AlgorithmKind of(String text, Numbering numbering) {
        if (numbering == null) {
            numbering = Numbering.KAMAILIO;
        }
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("no algorithm given");
        }
        if (t.matches("[+-]?\\d+")) {
            return ofNumber(t, numbering);
        }
        String name = t.toLowerCase(Locale.ROOT);
        for (AlgorithmKind k : values()) {
            if (k.canonicalName.equals(name) || k.aliases.contains(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + t + "' (a "
            + numbering.name().toLowerCase(Locale.ROOT) + " number, or one of: " + names() + ")");
    }

    private static AlgorithmKind ofNumber(String t, Numbering numbering) {
        long n;
        try {
            n = Long.parseLong(t);
        } catch (NumberFormatException e) {
            n = t.startsWith("-") ? -1 : Long.MAX_VALUE;
        }
        if (n < 0) {
            throw new IllegalArgumentException("algorithm number " + t + " is negative");
        }
        if (numbering == Numbering.OPENSIPS && n == OPENSIPS_ALGO_ROUTE) {
            throw new IllegalArgumentException("OpenSIPS algorithm 10 (algo_route) orders destinations with a script "
                + "route, which sipdispatch does not have; name the algorithm instead");
        }
        for (AlgorithmKind k : values()) {
            int own = numbering == Numbering.OPENSIPS ? k.opensips : k.kamailio;
            if (own == n) {
                return k;
            }
        }
        return PRIORITY;
    }

    private static String names() {
        StringBuilder sb = new StringBuilder();
        for (AlgorithmKind k : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(k.canonicalName);
            for (String a : k.aliases) {
                sb.append(", ").append(a);
            }
        }
        return sb.toString();
    }
}
