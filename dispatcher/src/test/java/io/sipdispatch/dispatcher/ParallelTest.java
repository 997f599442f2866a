package io.sipdispatch.dispatcher;

import static io.sipdispatch.dispatcher.Fixtures.dest;
import static io.sipdispatch.dispatcher.Fixtures.names;
import static io.sipdispatch.dispatcher.Fixtures.set;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private final Destination a = dest("a", "");
    private final Destination b = dest("b", "");
    private final Destination c = dest("c", "");
    private final Destination dflt = dest("default", "");

    @Test
    void everySelectableDestinationInSetOrderEveryTime() {
        b.updateState(DestinationFlags.INACTIVE, 0);
        DestinationSet s = set(a, b, c);
        Algorithm p = Algorithm.parallelForking();
        assertThat(names(p.order(s, RequestKey.NONE))).isEqualTo("a c");
        assertThat(names(p.order(s, RequestKey.NONE))).isEqualTo("a c");
    }

    @Test
    void onlyParallelForkingSaysItIsParallel() {
        assertThat(Algorithm.parallelForking().parallel()).isTrue();
        for (AlgorithmKind k : AlgorithmKind.values()) {
            Algorithm alg = Algorithms.create(k, Numbering.KAMAILIO, HashMode.RENDEZVOUS, "$ci");
            assertThat(alg.parallel()).as(k.canonicalName()).isEqualTo(k == AlgorithmKind.PARALLEL);
        }
    }

    @Test
    void theBranchesAreNotCutByFlagFOrMaxResultsButTheDefaultStaysLast() {
        DestinationSet s = new DestinationSet(1, List.of(a, b, c, dflt));
        Selection noFailover = Selection.select(s, Algorithm.parallelForking(), RequestKey.NONE, true, false, 2);
        assertThat(noFailover.candidates()).containsExactly(a, b, c, dflt);
        // The same flags cut a serial algorithm down to its first choice.
        assertThat(Selection.select(s, Algorithm.priority(), RequestKey.NONE, true, false, 2).candidates())
            .containsExactly(a);
    }
}
