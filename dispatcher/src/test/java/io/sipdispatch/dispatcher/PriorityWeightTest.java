package io.sipdispatch.dispatcher;

import static io.sipdispatch.dispatcher.Fixtures.dest;
import static io.sipdispatch.dispatcher.Fixtures.names;
import static io.sipdispatch.dispatcher.Fixtures.set;
import static io.sipdispatch.dispatcher.Fixtures.shares;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PriorityWeightTest {
    private final Algorithm pw = Algorithm.priorityWeight();

    @Test
    void kamailiosExampleTheLowestPriorityValueSharesByWeightThenTheNextLevelTakesOver() {
        Destination g1 = dest("g1", 10, "weight=70");
        Destination g2 = dest("g2", 10, "weight=30");
        Destination g3 = dest("g3", 20, "weight=50");
        Destination g4 = dest("g4", 20, "weight=50");
        // Set order puts the higher priority value first (Kamailio's set order); SRV's rule is the other way.
        DestinationSet s = set(g3, g4, g1, g2);
        assertThat(shares(pw, s, 100)).isEqualTo("g3=0 g4=0 g1=70 g2=30");
        g1.updateState(DestinationFlags.INACTIVE, 0);
        g2.updateState(DestinationFlags.DISABLED, 0);
        assertThat(shares(pw, s, 100)).isEqualTo("g3=50 g4=50 g1=0 g2=0");
        g2.updateState(0, DestinationFlags.DISABLED);
        assertThat(shares(pw, s, 100)).isEqualTo("g3=0 g4=0 g1=0 g2=100");
    }

    @Test
    void failoverIsTheRestOfTheLevelThenTheNextLevelsLowestValueFirst() {
        Destination a = dest("a", 30, "");
        Destination b = dest("b", 20, "");
        Destination c = dest("c", 10, "weight=1");
        Destination d = dest("d", 10, "weight=3");
        Destination e = dest("e", 20, "");
        assertThat(names(pw.order(set(a, b, c, d, e), RequestKey.NONE))).isIn("d c b e a", "c d b e a");
    }

    @Test
    void equalSharesWhenNoWeightIsSetAtTheLevel() {
        DestinationSet unset = set(dest("a", 1, ""), dest("b", 1, ""), dest("c", 2, "weight=9"));
        assertThat(shares(pw, unset, 100)).isEqualTo("a=50 b=50 c=0");
        DestinationSet zero = set(dest("a", 1, "weight=0"), dest("b", 1, "weight=0"), dest("c", 2, "weight=9"));
        assertThat(shares(pw, zero, 100)).isEqualTo("a=50 b=50 c=0");
        DestinationSet oneZero = set(dest("a", 1, "weight=0"), dest("b", 1, "weight=2"));
        assertThat(shares(pw, oneZero, 100)).isEqualTo("a=0 b=100");
        assertThat(names(pw.order(oneZero, RequestKey.NONE))).isEqualTo("b a");
    }

    @Test
    void nothingWhenEverythingIsDown() {
        Destination a = dest("a", 1, "");
        a.updateState(DestinationFlags.INACTIVE, 0);
        assertThat(pw.order(set(a), RequestKey.NONE)).isEmpty();
    }
}
