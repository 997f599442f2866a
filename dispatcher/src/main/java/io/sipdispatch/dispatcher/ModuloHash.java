package io.sipdispatch.dispatcher;

import java.util.List;
import java.util.function.Function;

/** Kamailio's placement: see {@link Algorithm#moduloHash}. */
final class ModuloHash extends KeyHash {
    ModuloHash(String name, Function<RequestKey, String> keyOf, Algorithm fallback) {
        super(name, keyOf, fallback);
    }

    @Override
    List<Destination> order(DestinationSet set, long keyHash) {
        int n = set.size();
        return n == 0 ? List.of() : Orders.ring(set.destinations(), (int) Long.remainderUnsigned(keyHash, n));
    }
}
