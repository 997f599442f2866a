package io.sipdispatch.dispatcher;

import static io.sipdispatch.dispatcher.Fixtures.dest;
import static io.sipdispatch.dispatcher.Fixtures.firsts;
import static io.sipdispatch.dispatcher.Fixtures.set;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinOrSerialTest {
    private final Algorithm rrs = Algorithm.roundRobinOrSerial();

    @Test
    void roundRobinWhenEveryPriorityIsTheSameAndAboveZero() {
        assertThat(firsts(rrs, set(dest("a", 5, ""), dest("b", 5, ""), dest("c", 5, "")), 6))
            .isEqualTo("a b c a b c");
    }

    @Test
    void serialWhenThePrioritiesDifferOrAreZero() {
        assertThat(firsts(rrs, set(dest("a", 9, ""), dest("b", 5, ""), dest("c", 5, "")), 3)).isEqualTo("a a a");
        assertThat(firsts(rrs, set(dest("a", 0, ""), dest("b", 0, ""), dest("c", 0, "")), 3)).isEqualTo("a a a");
    }

    @Test
    void decidedOnTheSetAsProvisionedNotOnWhatIsUp() {
        Destination a = dest("a", 9, "");
        a.updateState(DestinationFlags.INACTIVE, 0);
        // b and c alone would be round-robin; the set as a whole is not, as in Kamailio.
        assertThat(firsts(rrs, set(a, dest("b", 5, ""), dest("c", 5, "")), 3)).isEqualTo("b b b");
    }

    @Test
    void theDefaultDestinationCountsInTheDecision() {
        Destination a = dest("a", 5, "");
        Destination b = dest("b", 5, "");
        Destination dflt = dest("default", 1, "");
        DestinationSet s = new DestinationSet(1, List.of(a, b, dflt));
        for (int i = 0; i < 3; i++) {
            assertThat(Selection.select(s, rrs, RequestKey.NONE, true, true, 0).candidates()).containsExactly(a, b, dflt);
        }
    }
}
