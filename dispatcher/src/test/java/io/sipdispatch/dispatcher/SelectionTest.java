package io.sipdispatch.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SelectionTest {
    private final Destination a = dest("a");
    private final Destination b = dest("b");
    private final Destination c = dest("c");
    private final Destination dflt = dest("default");
    private final DestinationSet set = new DestinationSet(1, List.of(a, b, c, dflt));

    private static Destination dest(String name) {
        return new Destination(new DestinationRecord(1, "sip:" + name + ".example.com", 0, 0,
            Attributes.parse("duid=" + name), ""));
    }

    @Test
    void failoverListFollowsTheChoice() {
        Selection s = Selection.select(set, Algorithm.priority(), RequestKey.NONE, false, true, 0);
        assertThat(s.first()).isSameAs(a);
        assertThat(s.failover()).containsExactly(b, c, dflt);
    }

    @Test
    void withoutTheFailoverFlagOnlyTheChoice() {
        Selection s = Selection.select(set, Algorithm.priority(), RequestKey.NONE, false, false, 0);
        assertThat(s.candidates()).containsExactly(a);
        assertThat(s.failover()).isEmpty();
    }

    @Test
    void maxResultsCapsTheList() {
        Selection s = Selection.select(set, Algorithm.priority(), RequestKey.NONE, false, true, 2);
        assertThat(s.candidates()).containsExactly(a, b);
    }

    @Test
    void theDefaultDestinationIsOnlyALastResort() {
        // Round-robin over a, b, c: the default never comes first, and is always the last fallback.
        for (int i = 0; i < 6; i++) {
            Selection s = Selection.select(set, Algorithm.roundRobin(), RequestKey.NONE, true, true, 0);
            assertThat(s.first()).isNotSameAs(dflt);
            assertThat(s.candidates()).hasSize(4).last().isSameAs(dflt);
        }
        a.updateState(DestinationFlags.INACTIVE, 0);
        b.updateState(DestinationFlags.INACTIVE, 0);
        c.updateState(DestinationFlags.DISABLED, 0);
        assertThat(Selection.select(set, Algorithm.roundRobin(), RequestKey.NONE, true, true, 0).first()).isSameAs(dflt);
        dflt.updateState(DestinationFlags.INACTIVE, 0);
        assertThat(Selection.select(set, Algorithm.roundRobin(), RequestKey.NONE, true, true, 0).isEmpty()).isTrue();
        assertThat(Selection.select(set, Algorithm.roundRobin(), RequestKey.NONE, true, true, 0).first()).isNull();
    }
}
