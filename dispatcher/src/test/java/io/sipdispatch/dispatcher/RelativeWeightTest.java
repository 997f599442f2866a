package io.sipdispatch.dispatcher;

import static io.sipdispatch.dispatcher.Fixtures.dest;
import static io.sipdispatch.dispatcher.Fixtures.firsts;
import static io.sipdispatch.dispatcher.Fixtures.names;
import static io.sipdispatch.dispatcher.Fixtures.set;
import static io.sipdispatch.dispatcher.Fixtures.shares;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RelativeWeightTest {
    private final Algorithm rw = Algorithm.relativeWeight();

    @Test
    void kamailiosExampleExactlyAndRecomputedWhenOneGoesDown() {
        Destination a = dest("a", "rweight=1");
        Destination b = dest("b", "rweight=2");
        Destination c = dest("c", "rweight=1");
        DestinationSet s = set(a, b, c);
        assertThat(shares(rw, s, 100)).isEqualTo("a=25 b=50 c=25");
        assertThat(firsts(rw, s, 8)).isEqualTo("b a c b b a c b");
        c.updateState(DestinationFlags.INACTIVE, 0);
        // Over the active ones only: 1/3 and 2/3, exactly, where Kamailio's 100-slot table gives 33/67.
        assertThat(shares(rw, s, 300)).isEqualTo("a=100 b=200 c=0");
        c.updateState(0, DestinationFlags.INACTIVE);
        assertThat(shares(rw, s, 400)).isEqualTo("a=100 b=200 c=100");
    }

    @Test
    void exactForWeightsNoHundredSlotTableCanHold() {
        DestinationSet s = set(dest("a", "rweight=7"), dest("b", "rweight=100"), dest("c", "rweight=13"));
        assertThat(shares(rw, s, 120 * 3)).isEqualTo("a=21 b=300 c=39");
    }

    @Test
    void withoutRweightNeverChosenAndFailoverFollowsTheCycle() {
        Destination a = dest("a", "rweight=1");
        Destination b = dest("b", "");
        Destination c = dest("c", "rweight=3");
        DestinationSet s = set(a, b, c);
        assertThat(shares(rw, s, 40)).isEqualTo("a=10 b=0 c=30");
        assertThat(names(rw.order(s, RequestKey.NONE))).doesNotContain("b").hasSize(3);
    }

    @Test
    void whenNoActiveDestinationHasAnRweightTheFirstIsTakenAsKamailioDoes() {
        Destination a = dest("a", "rweight=5");
        Destination b = dest("b", "");
        Destination c = dest("c", "");
        a.updateState(DestinationFlags.DISABLED, 0);
        assertThat(firsts(rw, set(a, b, c), 3)).isEqualTo("b b b");
    }
}
