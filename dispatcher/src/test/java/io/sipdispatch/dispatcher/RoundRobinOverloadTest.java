package io.sipdispatch.dispatcher;

import static io.sipdispatch.dispatcher.Fixtures.dest;
import static io.sipdispatch.dispatcher.Fixtures.firsts;
import static io.sipdispatch.dispatcher.Fixtures.names;
import static io.sipdispatch.dispatcher.Fixtures.set;
import static io.sipdispatch.dispatcher.Fixtures.shares;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RoundRobinOverloadTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Algorithm rro = new RoundRobinOverload(now::get);
    private final Destination a = dest("a", "");
    private final Destination b = dest("b", "");
    private final Destination c = dest("c", "");

    @Test
    void withoutOverloadControlItIsRoundRobin() {
        assertThat(firsts(rro, set(a, b, c), 6)).isEqualTo("a b c a b c");
    }

    @Test
    void aDestinationUnderControlIsPassedOverRateTimesInAHundred() {
        assertThat(b.setOverloadControl(25, now.get() + 1_000_000_000L, 1)).isTrue();
        DestinationSet s = set(a, b, c);
        // b's turn comes 100 times; every fourth it passes, and c, next around the ring, takes it.
        assertThat(shares(rro, s, 300)).isEqualTo("a=100 b=75 c=125");
        assertThat(firsts(rro, s, 12)).isEqualTo("a b c a b c a b c a c c");
    }

    @Test
    void aPassedOverDestinationStaysInTheFailoverList() {
        b.setOverloadControl(100, now.get() + 1_000_000_000L, 1);
        DestinationSet s = set(a, b, c);
        assertThat(names(rro.order(s, RequestKey.NONE))).isEqualTo("a b c");
        assertThat(names(rro.order(s, RequestKey.NONE))).isEqualTo("c a b");
    }

    @Test
    void theControlEndsWhenItsTimeIsUp() {
        b.setOverloadControl(100, now.get() + 500_000_000L, 1);
        DestinationSet s = set(a, b, c);
        assertThat(firsts(rro, s, 3)).isEqualTo("a c c");
        now.addAndGet(500_000_000L);
        assertThat(firsts(rro, s, 3)).isEqualTo("a b c");
    }

    @Test
    void nothingWhenEveryDestinationSheds() {
        for (Destination d : new Destination[] {a, b, c}) {
            d.setOverloadControl(100, now.get() + 1_000_000_000L, 7);
        }
        assertThat(rro.order(set(a, b, c), RequestKey.NONE)).isEmpty();
    }

    @Test
    void anUpdateOlderThanTheLastIsIgnoredAndTheRateIsClamped() {
        long until = now.get() + 1_000_000_000L;
        assertThat(b.setOverloadControl(30, until, 5)).isTrue();
        assertThat(b.setOverloadControl(90, until, 5)).isFalse();
        assertThat(b.setOverloadControl(90, until, 4)).isFalse();
        assertThat(b.overloadRate(now.get())).isEqualTo(30);
        assertThat(b.setOverloadControl(250, until, 6)).isTrue();
        assertThat(b.overloadRate(now.get())).isEqualTo(100);
        assertThat(b.overloadRate(until)).isZero();
    }
}
