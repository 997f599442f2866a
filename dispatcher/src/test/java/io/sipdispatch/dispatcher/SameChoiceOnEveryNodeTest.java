package io.sipdispatch.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two cluster nodes that hold the same destinations and states, each in its own table and possibly in another
 * order (read from another copy of the list, or rows in another order): the rendezvous-hash algorithms pick
 * the same destination for the same key on both, so any node can carry any request of a call.
 */
class SameChoiceOnEveryNodeTest {
    static List<DestinationRecord> records() {
        List<DestinationRecord> r = new ArrayList<>();
        int[] weights = {1, 3, 2, 5, 1};
        for (int i = 0; i < weights.length; i++) {
            r.add(new DestinationRecord(1, "sip:10.0.0." + (i + 1), 0, 0, Attributes.parse("weight=" + weights[i]), ""));
        }
        return r;
    }

    static String first(DispatchTable t, Algorithm alg, String callId) {
        Destination d = Selection.select(t.set(1), alg, RequestKey.ofCallId(callId), false, true, 0).first();
        return d == null ? null : d.uri();
    }

    static void markDown(DispatchTable t, String uri) {
        t.set(1).destinations().stream().filter(d -> d.uri().equals(uri))
            .forEach(d -> d.updateState(DestinationFlags.INACTIVE, 0));
    }

    @Test
    void rendezvousHashingPicksTheSameDestinationOnEveryNodeWhateverTheOrderOfItsList() {
        List<DestinationRecord> reversed = new ArrayList<>(records());
        Collections.reverse(reversed);
        DispatchTable a = DispatchTable.build(records(), null);
        DispatchTable b = DispatchTable.build(reversed, null);
        Algorithm alg = Algorithms.parse("hash-call-id", Numbering.KAMAILIO, HashMode.RENDEZVOUS, null);
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            String k = "call-" + i;
            assertThat(first(b, alg, k)).as(k).isEqualTo(first(a, alg, k));
            before.add(first(a, alg, k));
        }
        // The same destination down on both (the cluster replicates it): still the same choice everywhere, and only
        // its own calls move.
        markDown(a, "sip:10.0.0.4");
        markDown(b, "sip:10.0.0.4");
        for (int i = 0; i < 2000; i++) {
            String k = "call-" + i;
            assertThat(first(b, alg, k)).as(k).isEqualTo(first(a, alg, k));
            if (!before.get(i).equals("sip:10.0.0.4")) {
                assertThat(first(a, alg, k)).as(k).isEqualTo(before.get(i));
            }
        }
    }

    @Test
    void moduloHashingDependsOnTheOrderOfTheList() {
        List<DestinationRecord> reversed = new ArrayList<>(records());
        Collections.reverse(reversed);
        // Kamailio's placement: the same key, the same slot, but the slot holds another destination when the
        // nodes read their lists in another order. The docs say so.
        DispatchTable a = DispatchTable.build(records(), null, Numbering.OPENSIPS);
        DispatchTable b = DispatchTable.build(reversed, null, Numbering.OPENSIPS);
        Algorithm alg = Algorithms.parse("hash-call-id", Numbering.KAMAILIO, HashMode.MODULO, null);
        int differ = 0;
        for (int i = 0; i < 200; i++) {
            differ += first(a, alg, "call-" + i).equals(first(b, alg, "call-" + i)) ? 0 : 1;
        }
        assertThat(differ).isPositive();
    }
}
