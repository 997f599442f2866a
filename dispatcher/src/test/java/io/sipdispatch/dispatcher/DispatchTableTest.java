package io.sipdispatch.dispatcher;

import static io.sipdispatch.dispatcher.Fixtures.firsts;
import static io.sipdispatch.dispatcher.Fixtures.names;
import static io.sipdispatch.dispatcher.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DispatchTableTest {

    @Test
    void highestPriorityFirstAndEqualPrioritiesInReverseLoadOrderAsKamailio() {
        DispatchTable t = DispatchTable.build(List.of(record(1, "a", 0, ""), record(1, "b", 0, ""),
            record(1, "c", 0, "")), null);
        assertThat(names(t.set(1).destinations())).isEqualTo("c b a");
        DispatchTable mixed = DispatchTable.build(List.of(record(1, "a", 5, ""), record(1, "b", 0, ""),
            record(1, "c", 5, ""), record(1, "d", 9, "")), null);
        assertThat(names(mixed.set(1).destinations())).isEqualTo("d c a b");
    }

    @Test
    void openSipsKeepsLoadOrderAmongEqualPriorities() {
        DispatchTable t = DispatchTable.build(List.of(record(1, "a", 5, ""), record(1, "b", 0, ""),
            record(1, "c", 5, ""), record(1, "d", 9, "")), null, Numbering.OPENSIPS);
        assertThat(names(t.set(1).destinations())).isEqualTo("d a c b");
    }

    @Test
    void setsByAscendingIdAndLookup() {
        DispatchTable t = DispatchTable.build(List.of(record(7, "x", 0, ""), record(2, "a", 0, ""),
            record(7, "y", 1, ""), record(2, "b", 0, "")), null);
        assertThat(t.sets()).extracting(DestinationSet::id).containsExactly(2, 7);
        assertThat(names(t.destinations())).isEqualTo("b a y x");
        assertThat(t.set(7).size()).isEqualTo(2);
        assertThat(t.set(3)).isNull();
        assertThat(DispatchTable.EMPTY.sets()).isEmpty();
        assertThat(DispatchTable.build(List.of(), DispatchTable.EMPTY).destinations()).isEmpty();
    }

    @Test
    void aRebuildKeepsTheSameDestinationObjectsStateCountersAndRoundRobinPosition() {
        List<DestinationRecord> rs = List.of(record(1, "a", 0, ""), record(1, "b", 0, ""), record(1, "c", 0, ""));
        DispatchTable t1 = DispatchTable.build(rs, null);
        Destination a = t1.destinations().get(2);
        a.updateState(DestinationFlags.INACTIVE | DestinationFlags.PROBING, 0);
        a.incrementActiveCalls();
        a.setLatencyMicros(1234);
        assertThat(firsts(Algorithm.roundRobin(), t1.set(1), 1)).isEqualTo("c");

        DispatchTable t2 = DispatchTable.build(rs, t1);
        assertThat(t2.destinations()).containsExactlyElementsOf(t1.destinations());
        assertThat(t2.destinations().get(2)).isSameAs(a);
        assertThat(a.state()).isEqualTo(DestinationFlags.INACTIVE | DestinationFlags.PROBING);
        // The position moves on from where t1 left it (c b, a being down), not from the start again.
        assertThat(firsts(Algorithm.roundRobin(), t2.set(1), 2)).isEqualTo("b c");
    }

    @Test
    void aChangedRecordGetsANewObjectThatSharesTheRuntimeState() {
        DispatchTable t1 = DispatchTable.build(List.of(record(1, "a", 0, "weight=1"), record(1, "b", 0, "")), null);
        Destination a1 = t1.destinations().get(1);
        a1.updateState(DestinationFlags.INACTIVE, 0);
        a1.incrementActiveCalls();
        a1.setOverloadControl(40, System.nanoTime() + 60_000_000_000L, 1);

        DispatchTable t2 = DispatchTable.build(List.of(record(1, "a", 0, "weight=5"), record(1, "b", 0, "")), t1);
        Destination a2 = t2.destinations().get(1);
        assertThat(a2).isNotSameAs(a1);
        assertThat(a2.weight()).isEqualTo(5);
        assertThat(a2.state()).isEqualTo(DestinationFlags.INACTIVE);
        assertThat(a2.activeCalls()).isEqualTo(1);
        assertThat(a2.overloadRate(System.nanoTime())).isEqualTo(40);
        a1.decrementActiveCalls(); // a call that began under t1 ends under t2
        assertThat(a2.activeCalls()).isZero();
        assertThat(t2.destinations().get(0)).isSameAs(t1.destinations().get(0));
    }

    @Test
    void aChangedFlagsColumnSetsTheStateAnew() {
        DispatchTable t1 = DispatchTable.build(List.of(record(1, "a", 0, "")), null);
        t1.destinations().get(0).updateState(DestinationFlags.INACTIVE, 0);
        DestinationRecord disabled = new DestinationRecord(1, "sip:a.example.com", DestinationFlags.DISABLED, 0,
            Attributes.parse("duid=a"), "");
        DispatchTable t2 = DispatchTable.build(List.of(disabled), t1);
        assertThat(t2.destinations().get(0).state()).isEqualTo(DestinationFlags.DISABLED);
    }

    @Test
    void overrideGivesEveryDestinationItsProvisionedStateAndInheritAlwaysKeepsTheRunningOneOverAnEdit() {
        DispatchTable t1 = DispatchTable.build(List.of(record(1, "a", 0, ""), record(1, "b", 0, "")), null);
        t1.destinations().forEach(d -> d.updateState(DestinationFlags.INACTIVE | DestinationFlags.PROBING, 0));
        DestinationRecord aDisabled = new DestinationRecord(1, "sip:a.example.com", DestinationFlags.DISABLED, 0,
            Attributes.parse("duid=a"), "");
        List<DestinationRecord> rows = List.of(aDisabled, record(1, "b", 0, ""));
        // Inherit (the default) keeps b's running state; a's edited state column is the operator's word.
        DispatchTable inherit = DispatchTable.build(rows, t1, Numbering.KAMAILIO, ReloadState.INHERIT);
        assertThat(inherit.set(1).destinations()).extracting(Destination::identity, Destination::state)
            .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("1/a", DestinationFlags.DISABLED),
                org.assertj.core.groups.Tuple.tuple("1/b", DestinationFlags.INACTIVE | DestinationFlags.PROBING));
        // Inherit-always keeps the running state even where the column changed: it is the state written back.
        DispatchTable t2 = DispatchTable.build(List.of(record(1, "a", 0, "")), null);
        t2.destinations().get(0).updateState(DestinationFlags.DRAINING, 0);
        DispatchTable kept = DispatchTable.build(List.of(aDisabled), t2, Numbering.KAMAILIO, ReloadState.INHERIT_ALWAYS);
        assertThat(kept.destinations().get(0).state()).isEqualTo(DestinationFlags.DRAINING);
        // Override: the provisioned state for every destination, edited or not.
        DispatchTable override = DispatchTable.build(rows, inherit, Numbering.KAMAILIO, ReloadState.OVERRIDE);
        assertThat(override.set(1).destinations()).extracting(Destination::identity, Destination::state)
            .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("1/a", DestinationFlags.DISABLED),
                org.assertj.core.groups.Tuple.tuple("1/b", 0));
    }

    @Test
    void newDestinationsStartFreshAndRemovedOnesAreGone() {
        DispatchTable t1 = DispatchTable.build(List.of(record(1, "a", 0, ""), record(1, "b", 0, "")), null);
        t1.destinations().forEach(d -> d.updateState(DestinationFlags.INACTIVE, 0));
        DispatchTable t2 = DispatchTable.build(List.of(record(1, "b", 0, ""), record(1, "c", 0, "")), t1);
        assertThat(names(t2.destinations())).isEqualTo("c b");
        assertThat(t2.destinations().get(0).state()).isZero();
        assertThat(t2.destinations().get(1).state()).isEqualTo(DestinationFlags.INACTIVE);
    }

    @Test
    void theSameDestinationListedTwiceHasOneState() {
        DispatchTable t = DispatchTable.build(List.of(record(1, "a", 0, ""), record(1, "a", 0, "")), null);
        t.destinations().get(0).updateState(DestinationFlags.DISABLED, 0);
        assertThat(t.destinations().get(1).selectable()).isFalse();
    }
}
