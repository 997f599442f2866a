package io.sipdispatch.dispatcher;

import java.util.function.Function;

/**
 * The registry from configuration text to an {@link Algorithm}: {@code algorithm: 4},
 * {@code algorithm: round-robin} or, with {@code numbering: opensips}, {@code algorithm: 4} meaning weighted
 * round-robin. The names, numbers and aliases are those of {@link AlgorithmKind}.
 *
 * <pre>{@code
 * Algorithms.parse("0", Numbering.KAMAILIO, HashMode.RENDEZVOUS, null).name()      // "hash-call-id"
 * Algorithms.parse("4", Numbering.OPENSIPS, HashMode.RENDEZVOUS, null).name()      // "weight"
 * Algorithms.parse("99", Numbering.KAMAILIO, HashMode.RENDEZVOUS, null).name()     // "priority", as Kamailio
 * Algorithms.parse("hash-key", Numbering.KAMAILIO, HashMode.MODULO, "$fU@$ci")    // Kamailio's 7 and hash_pvar
 * }</pre>
 */
public final class Algorithms {
    private Algorithms() {
    }

    /**
     * The algorithm {@code text} names (see {@link AlgorithmKind#of}).
     *
     * @param text        a number under {@code numbering}, or a name
     * @param numbering   whose numbers {@code text} uses; null for Kamailio's
     * @param hashMode    how the hash algorithms place keys, null for rendezvous; other algorithms ignore it
     * @param keyTemplate the key of hash-key (Kamailio's {@code hash_pvar}, e.g. {@code $fU@$ci}); other
     *                    algorithms ignore it, as Kamailio ignores {@code hash_pvar}, so it may be set globally
     * @throws IllegalArgumentException with the reason: an unknown name, a negative number, hash-key without a
     *                                  template or with a bad one, OpenSIPS's script-driven algorithm 10
     */
    public static Algorithm parse(String text, Numbering numbering, HashMode hashMode, String keyTemplate) {
        return create(AlgorithmKind.of(text, numbering), numbering, hashMode, keyTemplate);
    }

    /** The algorithm of {@code kind}; the other parameters as for {@link #parse}. */
    public static Algorithm create(AlgorithmKind kind, Numbering numbering, HashMode hashMode, String keyTemplate) {
        if (numbering == null) {
            numbering = Numbering.KAMAILIO;
        }
        return switch (kind) {
            case HASH_CALL_ID -> hash(kind, RequestKey::callId, hashMode, RoundRobin.INSTANCE);
            case HASH_FROM_URI -> hash(kind, RequestKey::fromUri, hashMode, RoundRobin.INSTANCE);
            case HASH_TO_URI -> hash(kind, RequestKey::toUri, hashMode, RoundRobin.INSTANCE);
            case HASH_REQUEST_URI -> hash(kind, RequestKey::requestUri, hashMode, RoundRobin.INSTANCE);
            // Without credentials: round-robin in Kamailio, weighted round-robin in OpenSIPS (their docs).
            case HASH_AUTH_USER -> hash(kind, RequestKey::authUser, hashMode,
                numbering == Numbering.OPENSIPS ? Weighted.INSTANCE : RoundRobin.INSTANCE);
            // A key that prints empty fails Kamailio's selection ("can't get PV hash"): no destination.
            case HASH_KEY -> hash(kind, keyTemplate(keyTemplate), hashMode, null);
            case ROUND_ROBIN -> Algorithm.roundRobin();
            case RANDOM -> Algorithm.random();
            case PRIORITY -> Algorithm.priority();
            case WEIGHT -> Algorithm.weighted();
            case CALL_LOAD -> Algorithm.callLoad();
            case RELATIVE_WEIGHT -> Algorithm.relativeWeight();
            case PARALLEL -> Algorithm.parallelForking();
            case LATENCY -> Algorithm.latency();
            case ROUND_ROBIN_OR_SERIAL -> Algorithm.roundRobinOrSerial();
            case PRIORITY_WEIGHT -> Algorithm.priorityWeight();
            case ROUND_ROBIN_OVERLOAD -> Algorithm.roundRobinOverload();
            case FREE_CAPACITY -> FreeCapacity.INSTANCE;
            // The key names the resources a call takes, as OpenSIPS's lb_start does: pstn;transc.
            case RESOURCES -> ResourceLoad.parse(keyTemplate);
        };
    }

    private static KeyTemplate keyTemplate(String template) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("hash-key (Kamailio algorithm 7) needs a key template, e.g. $fU@$ci");
        }
        return KeyTemplate.parse(template.trim());
    }

    private static Algorithm hash(AlgorithmKind kind, Function<RequestKey, String> keyOf, HashMode mode,
                                  Algorithm fallback) {
        return mode == HashMode.MODULO ? new ModuloHash(kind.canonicalName(), keyOf, fallback)
            : new RendezvousHash(kind.canonicalName(), keyOf, fallback);
    }
}
