package io.sipdispatch.dispatcher;

import java.util.List;
import java.util.function.Function;

/**
 * A hash algorithm: the key {@code keyOf} takes from the request, hashed once, decides the order. A request
 * without that key is ordered by {@code fallback} instead: round-robin for an auth-user hash without
 * credentials (Kamailio algorithm 5), or nothing at all when the fallback is null (Kamailio fails the
 * selection of algorithm 7 when its {@code hash_pvar} prints empty).
 */
abstract class KeyHash implements Algorithm {
    private final String name;
    private final Function<RequestKey, String> keyOf;
    private final Algorithm fallback;

    KeyHash(String name, Function<RequestKey, String> keyOf, Algorithm fallback) {
        this.name = name;
        this.keyOf = keyOf;
        this.fallback = fallback;
    }

    @Override
    public final List<Destination> order(DestinationSet set, RequestKey key) {
        String k = keyOf.apply(key);
        if (k == null) {
            return fallback == null ? List.of() : fallback.order(set, key);
        }
        return order(set, Hashing.hash64(k));
    }

    /** The order for a request whose key hashed to {@code keyHash}. */
    abstract List<Destination> order(DestinationSet set, long keyHash);

    @Override
    public final String name() {
        return name;
    }
}
