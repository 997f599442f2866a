package io.sipdispatch.dispatcher;

import static io.sipdispatch.dispatcher.Fixtures.dest;
import static io.sipdispatch.dispatcher.Fixtures.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A destination that just came back gets a share of new calls rising to its full share. */
class SlowStartTest {
    private static final long TEN_S = TimeUnit.SECONDS.toNanos(10);

    @Test
    void theShareRisesLinearlyOverTheSlowStartAndThenStaysWhole() {
        Destination d = dest("a", "");
        long t0 = 1_000_000_000L;
        assertThat(d.share(t0)).isEqualTo(1);
        d.startSlowStart(t0, TEN_S);
        assertThat(d.share(t0)).isZero();
        assertThat(d.share(t0 + TEN_S / 4)).isCloseTo(0.25, within(1e-9));
        assertThat(d.share(t0 + TEN_S / 2)).isCloseTo(0.5, within(1e-9));
        assertThat(d.share(t0 + TEN_S)).isEqualTo(1);
        assertThat(d.rampingUp()).isFalse();
    }

    @Test
    void aComebackQuarterWayThroughItsSlowStartTakesAQuarterOfItsRoundRobinShare() {
        Destination a = dest("a", "");
        Destination b = dest("b", "");
        DestinationSet s = set(a, b);
        b.startSlowStart(System.nanoTime() - TEN_S * 25 / 100, TEN_S * 1000);
        // b would be first every other time; with its share at ~0.25% it gets almost none of them.
        int n = 20_000;
        int firstB = 0;
        int anyB = 0;
        for (int i = 0; i < n; i++) {
            Selection sel = Selection.select(s, Algorithm.roundRobin(), RequestKey.NONE, false, true, 0);
            firstB += sel.first() == b ? 1 : 0;
            anyB += sel.candidates().contains(b) ? 1 : 0;
        }
        assertThat(firstB).isLessThan(n / 100);
        // Passed over, it is still there to fail over to.
        assertThat(anyB).isEqualTo(n);
    }

    @Test
    void halfWayThroughTheComebackTakesAboutHalfItsShare() {
        Destination a = dest("a", "");
        Destination b = dest("b", "");
        DestinationSet s = set(a, b);
        b.startSlowStart(System.nanoTime() - TEN_S * 50, TEN_S * 100);
        int n = 40_000;
        int firstB = 0;
        for (int i = 0; i < n; i++) {
            firstB += Selection.select(s, Algorithm.roundRobin(), RequestKey.NONE, false, true, 0).first() == b ? 1 : 0;
        }
        // Full share 1/2, slow start at ~50%: ~1/4 of first attempts (binomial, 40 000 draws: ±3% is > 10 sigma).
        assertThat((double) firstB / n).isCloseTo(0.25, within(0.03));
    }

    @Test
    void withoutASlowStartTheAlgorithmsOrderIsUntouched() {
        Destination a = dest("a", "");
        Destination b = dest("b", "");
        DestinationSet s = set(a, b);
        int firstB = 0;
        for (int i = 0; i < 1000; i++) {
            firstB += Selection.select(s, Algorithm.roundRobin(), RequestKey.NONE, false, true, 0).first() == b ? 1 : 0;
        }
        assertThat(firstB).isEqualTo(500);
    }
}
