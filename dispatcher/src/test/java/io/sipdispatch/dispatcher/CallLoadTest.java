package io.sipdispatch.dispatcher;

import static io.sipdispatch.dispatcher.Fixtures.dest;
import static io.sipdispatch.dispatcher.Fixtures.names;
import static io.sipdispatch.dispatcher.Fixtures.set;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallLoadTest {
    private final Algorithm callLoad = Algorithm.callLoad();

    private static void calls(Destination d, int n) {
        for (int i = 0; i < n; i++) {
            d.incrementActiveCalls();
        }
    }

    @Test
    void leastLoadedRelativeToMaxloadComesFirstAndFullOnesAreLeftOut() {
        Destination a = dest("a", "maxload=100");
        Destination b = dest("b", "maxload=200");
        Destination c = dest("c", "maxload=10");
        calls(a, 50); // half full
        calls(b, 60); // 30 %: fewer calls relative to its room, though more calls than a
        calls(c, 10); // full
        assertThat(names(callLoad.order(set(a, b, c), RequestKey.NONE))).isEqualTo("b a");
    }

    @Test
    void withoutMaxloadTheCallCountsCompareAsInKamailioAndTiesKeepSetOrder() {
        Destination a = dest("a", "");
        Destination b = dest("b", "");
        Destination c = dest("c", "");
        DestinationSet s = set(a, b, c);
        assertThat(names(callLoad.order(s, RequestKey.NONE))).isEqualTo("a b c");
        calls(a, 3);
        calls(b, 1);
        calls(c, 2);
        assertThat(names(callLoad.order(s, RequestKey.NONE))).isEqualTo("b c a");
    }

    @Test
    void aDestinationWithoutMaxloadCountsAgainstTheLargestMaxloadOfTheSet() {
        Destination a = dest("a", "");
        Destination b = dest("b", "maxload=100");
        calls(a, 40); // 40 of 100
        calls(b, 30); // 30 of 100
        assertThat(names(callLoad.order(set(a, b), RequestKey.NONE))).isEqualTo("b a");
        calls(b, 20);
        assertThat(names(callLoad.order(set(a, b), RequestKey.NONE))).isEqualTo("a b");
    }

    @Test
    void countingEachChosenCallFillsTheSetByRoomThenRefuses() {
        Destination a = dest("a", "maxload=1");
        Destination b = dest("b", "maxload=2");
        Destination c = dest("c", "maxload=1");
        DestinationSet s = set(a, b, c);
        StringBuilder seq = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            List<Destination> o = callLoad.order(s, RequestKey.NONE);
            seq.append(o.isEmpty() ? "-" : o.get(0).record().attrs().duid());
            if (!o.isEmpty()) {
                o.get(0).incrementActiveCalls();
            }
        }
        // a 0/1, b 0/2, c 0/1 → a; then b (0/2 before c's 0/1 in set order); then c (0 < 1/2); then b; then full.
        assertThat(seq).hasToString("abcb-");
        b.decrementActiveCalls();
        assertThat(names(callLoad.order(s, RequestKey.NONE))).isEqualTo("b");
    }

    @Test
    void downDestinationsAreSkippedAndCountersNeverGoNegative() {
        Destination a = dest("a", "");
        Destination b = dest("b", "");
        a.updateState(DestinationFlags.INACTIVE, 0);
        assertThat(names(callLoad.order(set(a, b), RequestKey.NONE))).isEqualTo("b");
        assertThat(b.decrementActiveCalls()).isZero();
        assertThat(b.incrementActiveCalls()).isEqualTo(1);
        assertThat(b.activeCalls()).isEqualTo(1);
    }
}
