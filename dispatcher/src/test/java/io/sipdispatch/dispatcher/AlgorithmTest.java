package io.sipdispatch.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlgorithmTest {

    private static Destination dest(String name, String attrs) {
        return new Destination(new DestinationRecord(1, "sip:" + name + ".example.com", 0, 0,
            Attributes.parse("duid=" + name + (attrs.isEmpty() ? "" : ";" + attrs)), ""));
    }

    private static DestinationSet set(Destination... ds) {
        return new DestinationSet(1, List.of(ds));
    }

    private static String names(List<Destination> ds) {
        StringBuilder sb = new StringBuilder();
        for (Destination d : ds) {
            sb.append(d.record().attrs().duid());
        }
        return sb.toString();
    }

    private static String firsts(Algorithm alg, DestinationSet s, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(names(alg.order(s, RequestKey.NONE).subList(0, 1)));
        }
        return sb.toString();
    }

    @Test
    void roundRobinRotatesAndFailsOverAroundTheRing() {
        Destination a = dest("a", "");
        Destination b = dest("b", "");
        Destination c = dest("c", "");
        DestinationSet s = set(a, b, c);
        assertThat(names(Algorithm.roundRobin().order(s, RequestKey.NONE))).isEqualTo("abc");
        assertThat(names(Algorithm.roundRobin().order(s, RequestKey.NONE))).isEqualTo("bca");
        assertThat(names(Algorithm.roundRobin().order(s, RequestKey.NONE))).isEqualTo("cab");
        assertThat(firsts(Algorithm.roundRobin(), s, 6)).isEqualTo("abcabc");
    }

    @Test
    void roundRobinShareOfADownDestinationSpreadsEvenly() {
        Destination a = dest("a", "");
        Destination b = dest("b", "");
        Destination c = dest("c", "");
        b.updateState(DestinationFlags.INACTIVE, 0);
        DestinationSet s = set(a, b, c);
        assertThat(firsts(Algorithm.roundRobin(), s, 6)).isEqualTo("acacac");
        assertThat(names(Algorithm.roundRobin().order(s, RequestKey.NONE))).isEqualTo("ac");
    }

    @Test
    void priorityTakesTheFirstSelectableInSetOrder() {
        Destination a = dest("a", "");
        Destination b = dest("b", "");
        Destination c = dest("c", "");
        DestinationSet s = set(a, b, c);
        assertThat(firsts(Algorithm.priority(), s, 3)).isEqualTo("aaa");
        a.updateState(DestinationFlags.DISABLED, 0);
        assertThat(names(Algorithm.priority().order(s, RequestKey.NONE))).isEqualTo("bc");
        a.updateState(0, DestinationFlags.DISABLED);
        c.updateState(DestinationFlags.PROBING | DestinationFlags.TRYING, 0);
        assertThat(names(Algorithm.priority().order(s, RequestKey.NONE))).isEqualTo("abc");
    }

    @Test
    void randomOrdersEverySelectableDestinationOnce() {
        Destination a = dest("a", "");
        Destination b = dest("b", "");
        Destination c = dest("c", "");
        c.updateState(DestinationFlags.INACTIVE, 0);
        DestinationSet s = set(a, b, c);
        Map<String, Integer> firsts = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            List<Destination> o = Algorithm.random().order(s, RequestKey.NONE);
            assertThat(names(o)).isIn("ab", "ba");
            firsts.merge(names(o.subList(0, 1)), 1, Integer::sum);
        }
        assertThat(firsts).containsOnlyKeys("a", "b");
        // Each selectable destination is first about as often: c's share does not go to its neighbour.
        assertThat(firsts.get("a")).isBetween(140, 260);
    }

    @Test
    void rendezvousHashIsStickyPerKey() {
        DestinationSet s = set(dest("a", ""), dest("b", ""), dest("c", ""));
        Algorithm h = Algorithm.hash("call-id", RequestKey::callId);
        for (int i = 0; i < 100; i++) {
            RequestKey k = RequestKey.ofCallId("call-" + i);
            assertThat(names(h.order(s, k))).isEqualTo(names(h.order(s, k))).hasSize(3);
        }
    }

    @Test
    void rendezvousHashMovesOnlyTheDownDestinationsKeysAndSpreadsThem() {
        Destination a = dest("a", "");
        Destination b = dest("b", "");
        Destination c = dest("c", "");
        Destination d = dest("d", "");
        DestinationSet s = set(a, b, c, d);
        Algorithm h = Algorithm.hash("call-id", RequestKey::callId);
        int keys = 20_000;
        List<String> before = new ArrayList<>(keys);
        for (int i = 0; i < keys; i++) {
            before.add(names(h.order(s, RequestKey.ofCallId("k" + i)).subList(0, 1)));
        }
        b.updateState(DestinationFlags.INACTIVE, 0);
        Map<String, Integer> movedTo = new HashMap<>();
        for (int i = 0; i < keys; i++) {
            String now = names(h.order(s, RequestKey.ofCallId("k" + i)).subList(0, 1));
            if (before.get(i).equals("b")) {
                movedTo.merge(now, 1, Integer::sum);
            } else {
                assertThat(now).as("key k%d did not belong to b and must not move", i).isEqualTo(before.get(i));
            }
        }
        int moved = movedTo.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(movedTo).containsOnlyKeys("a", "c", "d");
        for (int n : movedTo.values()) {
            assertThat(n / (double) moved).isBetween(0.30, 0.37);
        }
    }

    @Test
    void rendezvousHashHonoursWeights() {
        DestinationSet s = set(dest("a", "weight=1"), dest("b", "weight=2"), dest("c", "weight=3"), dest("z", "weight=0"));
        Algorithm h = Algorithm.hash("call-id", RequestKey::callId);
        Map<String, Integer> firsts = new HashMap<>();
        int keys = 60_000;
        for (int i = 0; i < keys; i++) {
            List<Destination> o = h.order(s, RequestKey.ofCallId("w" + i));
            assertThat(names(o)).doesNotContain("z").hasSize(3);
            firsts.merge(names(o.subList(0, 1)), 1, Integer::sum);
        }
        assertThat(firsts.get("a") / (double) keys).isBetween(1 / 6.0 - 0.015, 1 / 6.0 + 0.015);
        assertThat(firsts.get("b") / (double) keys).isBetween(2 / 6.0 - 0.015, 2 / 6.0 + 0.015);
        assertThat(firsts.get("c") / (double) keys).isBetween(3 / 6.0 - 0.015, 3 / 6.0 + 0.015);
    }

    @Test
    void moduloHashGoesToTheNextNeighbourLikeKamailio() {
        Destination a = dest("a", "");
        Destination b = dest("b", "");
        Destination c = dest("c", "");
        DestinationSet s = set(a, b, c);
        Algorithm h = Algorithm.moduloHash("call-id", RequestKey::callId);
        RequestKey onB = null;
        for (int i = 0; onB == null; i++) {
            RequestKey k = RequestKey.ofCallId("m" + i);
            if (names(h.order(s, k)).startsWith("b")) {
                onB = k;
            }
        }
        assertThat(names(h.order(s, onB))).isEqualTo("bca");
        b.updateState(DestinationFlags.INACTIVE, 0);
        assertThat(names(h.order(s, onB))).isEqualTo("ca");
    }

    @Test
    void aHashWithoutItsKeyFallsBackToRoundRobin() {
        DestinationSet s = set(dest("a", ""), dest("b", ""));
        Algorithm h = Algorithm.hash("auth-user", RequestKey::authUser);
        assertThat(names(h.order(s, RequestKey.NONE).subList(0, 1)) + names(h.order(s, RequestKey.NONE).subList(0, 1)))
            .isEqualTo("ab");
    }

    @Test
    void anEmptyOrAllDownSetGivesNothing() {
        Destination a = dest("a", "");
        a.updateState(DestinationFlags.INACTIVE, 0);
        for (Algorithm alg : List.of(Algorithm.roundRobin(), Algorithm.priority(), Algorithm.random(),
            Algorithm.hash("call-id", RequestKey::callId), Algorithm.moduloHash("call-id", RequestKey::callId))) {
            assertThat(alg.order(set(a), RequestKey.ofCallId("x"))).as(alg.name()).isEmpty();
            assertThat(alg.order(set(), RequestKey.ofCallId("x"))).as(alg.name()).isEmpty();
        }
    }

    @Test
    void weightedRoundRobinIsExactAndInterleaved() {
        DestinationSet s = set(dest("a", "weight=1"), dest("b", "weight=2"), dest("c", "weight=3"));
        assertThat(firsts(Algorithm.weighted(), s, 12)).isEqualTo("cbacbccbacbc");
        assertThat(names(Algorithm.weighted().order(s, RequestKey.NONE))).isEqualTo("cba");
    }

    @Test
    void weightedRoundRobinHasNoHundredSlotLimit() {
        // 30 destinations of weight 3 and one of weight 10: a 100-slot table cannot express this exactly.
        List<Destination> ds = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ds.add(dest("d" + i + "_", "weight=3"));
        }
        ds.add(dest("big", "weight=10"));
        DestinationSet s = new DestinationSet(1, ds);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            counts.merge(names(Algorithm.weighted().order(s, RequestKey.NONE).subList(0, 1)), 1, Integer::sum);
        }
        assertThat(counts.get("big")).isEqualTo(10);
        assertThat(counts).hasSize(31).allSatisfy((k, v) -> assertThat(v).isEqualTo(k.equals("big") ? 10 : 3));
    }

    @Test
    void weightedRoundRobinPassesADownDestinationsTurnOn() {
        Destination a = dest("a", "weight=1");
        Destination b = dest("b", "weight=2");
        Destination c = dest("c", "weight=3");
        DestinationSet s = set(a, b, c);
        c.updateState(DestinationFlags.INACTIVE, 0);
        String seq = firsts(Algorithm.weighted(), s, 6);
        assertThat(seq).doesNotContain("c").hasSize(6);
        assertThat(names(Algorithm.weighted().order(s, RequestKey.NONE))).isIn("ab", "ba");
    }
}
