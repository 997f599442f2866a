package io.sipdispatch.dispatcher;

import java.nio.charset.StandardCharsets;

/**
 * The 64-bit hash behind the hash algorithms: FNV-1a over the key's UTF-8 bytes, then the SplitMix64
 * finaliser. Stable across restarts, JVMs and cluster nodes (unlike identity hashes), so that a call keeps
 * its destination wherever its next request lands.
 */
public final class Hashing {
    private Hashing() {
    }

    public static long hash64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** SplitMix64's finaliser: spreads a weak hash's bits over all 64. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
