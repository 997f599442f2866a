package io.sipdispatch.dispatcher;

import static io.sipdispatch.dispatcher.Fixtures.dest;
import static io.sipdispatch.dispatcher.Fixtures.firsts;
import static io.sipdispatch.dispatcher.Fixtures.names;
import static io.sipdispatch.dispatcher.Fixtures.shares;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LatencyTest {
    private final Algorithm latency = Algorithm.latency();

    /** Kamailio's worked example for algorithm 13: seven gateways at priority 30. */
    private static DestinationSet kamailioExample() {
        long[] ms = {21, 91, 61, 19, 32, 0, 201};
        List<Destination> ds = new ArrayList<>();
        for (int i = 0; i < ms.length; i++) {
            Destination d = dest("g" + (i + 1), 30, "");
            d.setLatencyMicros(ms[i] * 1000);
            ds.add(d);
        }
        return new DestinationSet(1, ds);
    }

    @ParameterizedTest
    @CsvSource({"30, 21, 30", "30, 91, 27", "30, 61, 28", "30, 19, 30", "30, 32, 29", "30, 0, 30", "30, 201, 24",
        "5, 1000, 1", "0, 1000, 0", "30, 30, 30"})
    void adjustedPriorityIsKamailiosFormula(int priority, long latencyMs, long adjusted) {
        assertThat(Latency.adjustedPriority(priority, latencyMs * 1000)).isEqualTo(adjusted);
    }

    @Test
    void theBestTierTakesTurnsAsInKamailiosTable() {
        DestinationSet s = kamailioExample();
        assertThat(names(latency.order(s, RequestKey.NONE))).isEqualTo("g1 g4 g6 g5 g3 g2 g7");
        assertThat(firsts(latency, s, 6)).isEqualTo("g4 g6 g1 g4 g6 g1");
        // 33 % each for g1, g4, g6 and nothing for the slower ones, as the table says.
        assertThat(shares(latency, s, 300)).isEqualTo("g1=100 g2=0 g3=0 g4=100 g5=0 g6=100 g7=0");
    }

    @Test
    void aDestinationGettingSlowerLeavesTheTierAndADownOneIsSkipped() {
        DestinationSet s = kamailioExample();
        s.destinations().get(5).setLatencyMicros(45_000); // g6: 30 - 45/30 = 29
        s.destinations().get(0).updateState(DestinationFlags.INACTIVE, 0); // g1
        assertThat(firsts(latency, s, 4)).isEqualTo("g4 g4 g4 g4");
        assertThat(names(latency.order(s, RequestKey.NONE))).isEqualTo("g4 g5 g6 g3 g2 g7");
    }

    @Test
    void withPriorityZeroLatencyIsIgnoredAndItIsPlainRoundRobin() {
        Destination a = dest("a", 0, "");
        Destination b = dest("b", 0, "");
        Destination c = dest("c", 0, "");
        b.setLatencyMicros(5_000_000);
        assertThat(firsts(latency, new DestinationSet(1, List.of(a, b, c)), 6)).isEqualTo("a b c a b c");
    }

    @Test
    void latencyDefaultsToUnknownAndCannotBeNegative() {
        Destination a = dest("a", "");
        assertThat(a.latencyMicros()).isZero();
        assertThatThrownBy(() -> a.setLatencyMicros(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(latency.order(new DestinationSet(1, List.of()), RequestKey.NONE)).isEmpty();
    }
}
