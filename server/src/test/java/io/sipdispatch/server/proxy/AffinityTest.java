package io.sipdispatch.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.server.config.Transport;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The stateless affinity memory: found while fresh, gone after its time, bounded in size. */
class AffinityTest {
    static final Forwarding A = new Forwarding(null, new Target(Transport.UDP, new InetSocketAddress("127.0.0.1", 5071), "127.0.0.1:5071", false), false);
    static final Forwarding B = new Forwarding(null, new Target(Transport.UDP, new InetSocketAddress("127.0.0.1", 5072), "127.0.0.1:5072", false), false);
    static final long TTL = 32_000_000_000L;

    @Test
    void aRememberedRequestIsFoundUntilItsTimeIsUp() {
        Affinity a = new Affinity(4096, TTL);
        a.remember(42L, A, 1_000L);
        assertThat(a.recall(42L, 1_000L + TTL - 1)).isSameAs(A);
        assertThat(a.recall(42L, 1_000L + TTL)).isNull();
        assertThat(a.recall(43L, 1_000L)).isNull();
    }

    @Test
    void theTableIsBoundedAndAYoungerEntryPushesOutAnOlderOneInItsSlot() {
        Affinity a = new Affinity(4096, TTL);
        assertThat(a.capacity()).isEqualTo(4096);
        long k1 = 7L;
        long k2 = 7L + a.capacity(); // the same slot
        a.remember(k1, A, 0L);
        a.remember(k2, B, 1L);
        assertThat(a.recall(k2, 2L)).isSameAs(B);
        assertThat(a.recall(k1, 2L)).isNull();
        assertThat(a.evictions.sum()).isEqualTo(1);
        // An expired entry is overwritten without counting an eviction.
        a.remember(k1, A, 2L + TTL);
        assertThat(a.evictions.sum()).isEqualTo(1);
    }
}
